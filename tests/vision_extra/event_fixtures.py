"""Write tiny event datasets in the on-disk formats that tonic 1.7 reads.

CIFAR10-DVS: one uncompressed AEDAT 4 file per recording under
``CIFAR10DVS/<class name>/``. An AEDAT 4 file is the magic line, a
size-prefixed IOHeader flatbuffer whose XML description declares the event
stream, then packets of ``stream id, byte length, size-prefixed EventPacket``
(schemas ``ioheader.fbs`` and ``events.fbs`` of the AEDAT 4 format).

DVS Gesture: tonic's preprocessed layout, one ``<label>.npy`` array of
``(x, y, polarity, t in ms)`` rows per sample under
``DVSGesture/ibmGesture{Train,Test}/user<NN>_<lighting>/``.
"""

from __future__ import annotations

from pathlib import Path

import flatbuffers
import numpy as np

AEDAT4_MAGIC = b"#!AER-DAT4.0\r\n"
SENSOR = 128

_DESCRIPTION = """<dv version="2.0">
    <node name="outInfo" path="/mainloop/Recorder/outInfo/">
        <node name="0" path="/mainloop/Recorder/outInfo/0/">
            <attr key="compression" type="string">NONE</attr>
            <attr key="typeIdentifier" type="string">EVTS</attr>
            <node name="info" path="/mainloop/Recorder/outInfo/0/info/">
                <attr key="sizeX" type="int">128</attr>
                <attr key="sizeY" type="int">128</attr>
            </node>
        </node>
    </node>
</dv>
"""


def _ioheader() -> bytes:
    builder = flatbuffers.Builder(512)
    description = builder.CreateString(_DESCRIPTION)
    builder.StartObject(3)
    builder.PrependUOffsetTRelativeSlot(2, description, 0)
    builder.PrependInt64Slot(1, -1, 0)  # no file data table
    builder.PrependInt32Slot(0, 0, 1)  # compression NONE
    builder.FinishSizePrefixed(builder.EndObject(), b"IOHE")
    return bytes(builder.Output())


def _event_packet(events: np.ndarray) -> bytes:
    """Encode ``[N, 4]`` rows of ``(t_us, x, y, polarity)`` as a size-prefixed EventPacket."""
    builder = flatbuffers.Builder(64 + 16 * len(events))
    # Event is a 16-byte struct: int64 t, int16 x, int16 y, bool on, 3 padding bytes.
    builder.StartVector(16, len(events), 8)
    for t, x, y, polarity in reversed(events.tolist()):
        builder.Prep(8, 16)
        builder.Pad(3)
        builder.PrependBool(bool(polarity))
        builder.PrependInt16(int(y))
        builder.PrependInt16(int(x))
        builder.PrependInt64(int(t))
    elements = builder.EndVector()
    builder.StartObject(1)
    builder.PrependUOffsetTRelativeSlot(0, elements, 0)
    builder.FinishSizePrefixed(builder.EndObject(), b"EVTS")
    payload = bytes(builder.Output())
    return (0).to_bytes(4, "little") + len(payload).to_bytes(4, "little") + payload


def write_aedat4(path: Path, events: np.ndarray) -> None:
    """Write ``[N, 4]`` integer rows ``(t_us, x, y, polarity)`` as an uncompressed AEDAT 4 file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(AEDAT4_MAGIC + _ioheader() + _event_packet(np.asarray(events)))


def random_events(rng: np.random.Generator, count: int, duration_us: int) -> np.ndarray:
    """Return ``[count, 4]`` rows ``(t_us, x, y, polarity)`` sorted by time."""
    t = np.sort(rng.integers(0, duration_us, count))
    x = rng.integers(0, SENSOR, count)
    y = rng.integers(0, SENSOR, count)
    p = rng.integers(0, 2, count)
    return np.stack([t, x, y, p], axis=1)


CIFAR10_DVS_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)


def write_cifar10_dvs(root: Path, per_class: int, seed: int = 0, events: int = 200) -> Path:
    """Write ``per_class`` recordings of every class under ``root/CIFAR10DVS``; return that folder."""
    rng = np.random.default_rng(seed)
    folder = root / "CIFAR10DVS"
    for name in CIFAR10_DVS_CLASSES:
        for index in range(per_class):
            write_aedat4(folder / name / f"cifar10_{name}_{index}.aedat4", random_events(rng, events, 100_000))
    return folder


def write_dvs_gesture(root: Path, users: dict[str, list[int]], labels: range = range(11), seed: int = 0,
                      events: int = 300) -> Path:
    """Write one sample per label for each user folder under ``root/DVSGesture/<split folder>/``.

    ``users`` maps a split folder (``ibmGestureTrain``, ``ibmGestureTest``) to user numbers.
    """
    rng = np.random.default_rng(seed)
    folder = root / "DVSGesture"
    for split_folder, numbers in users.items():
        for number in numbers:
            sample_folder = folder / split_folder / f"user{number:02d}_fluorescent"
            sample_folder.mkdir(parents=True, exist_ok=True)
            for label in labels:
                rows = random_events(rng, events, 1_000_000)
                # tonic stores (x, y, polarity, t in ms) and multiplies t by 1000 on reading.
                array = np.stack([rows[:, 1], rows[:, 2], rows[:, 3], rows[:, 0] // 1000], axis=1).astype(np.int64)
                np.save(sample_folder / f"{label}.npy", array)
    return folder
