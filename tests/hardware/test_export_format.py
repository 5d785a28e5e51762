import ast
import zipfile
from pathlib import Path

import numpy as np
import pytest

from asnbench.hardware import export_format
from asnbench.hardware.export_format import ExportFormatError
from asnbench.hardware.lava_driver import WORKER
from asnbench.hardware.network_export import UnsupportedNetworkError, export_network

from .conftest import tiny_network


def _exported(neuron="asn", conv=False):
    network, shape = tiny_network(neuron, timesteps=2, conv=conv)
    return export_network(network, shape, 3)


def test_round_trip_keeps_meta_and_arrays(tmp_path):
    exported = _exported(conv=True)
    path = tmp_path / "net.npz"
    export_format.save(exported, path)
    loaded = export_format.load(path)
    assert loaded.meta == exported.meta
    assert loaded.arrays.keys() == exported.arrays.keys()
    for key, value in exported.arrays.items():
        assert loaded.arrays[key].dtype == value.dtype, key
        np.testing.assert_array_equal(loaded.arrays[key], value, err_msg=key)


def test_meta_describes_layers():
    meta = _exported("lif").meta
    assert meta["timesteps"] == 2
    assert meta["neuron"] == "lif"
    assert [layer["type"] for layer in meta["layers"]] == ["synapse", "neuron", "synapse", "neuron", "synapse"]
    assert meta["layers"][1]["reset"] == "soft"
    assert meta["layers"][2]["message_bits"] == 0


def test_asn_synapses_carry_graded_spikes():
    layers = _exported("asn").meta["layers"]
    assert layers[1]["levels"] == 3
    assert layers[2]["message_bits"] == 2  # enough bits for counts 0..3


def test_other_version_rejected(tmp_path):
    exported = _exported()
    exported.meta["version"] = 99
    path = tmp_path / "net.npz"
    np.savez(path, meta=np.array(__import__("json").dumps(exported.meta)), **exported.arrays)
    with pytest.raises(ExportFormatError, match="version 99"):
        export_format.load(path)


def test_missing_array_rejected(tmp_path):
    exported = _exported()
    del exported.arrays["layer1.beta"]
    path = tmp_path / "net.npz"
    np.savez(path, meta=np.array(__import__("json").dumps(exported.meta)), **exported.arrays)
    with pytest.raises(ExportFormatError, match="layer1.beta"):
        export_format.load(path)


def test_not_an_archive_rejected(tmp_path):
    path = tmp_path / "net.npz"
    path.write_text("not a zip file")
    with pytest.raises(ExportFormatError, match="not a readable .npz"):
        export_format.load(path)


def test_archive_without_meta_rejected(tmp_path):
    path = tmp_path / "net.npz"
    np.savez(path, weights=np.zeros(3))
    assert zipfile.is_zipfile(path)
    with pytest.raises(ExportFormatError, match="no 'meta'"):
        export_format.load(path)


def test_missing_file_rejected(tmp_path):
    with pytest.raises(ExportFormatError, match="does not exist"):
        export_format.load(tmp_path / "absent.npz")


def test_worker_reads_same_format_version():
    constants = {}
    for node in ast.parse(Path(WORKER).read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("FORMAT_NAME", "FORMAT_VERSION"):
                constants[node.targets[0].id] = ast.literal_eval(node.value)
    assert constants == {"FORMAT_NAME": export_format.FORMAT_NAME, "FORMAT_VERSION": export_format.FORMAT_VERSION}


def test_worker_imports_only_numpy_and_lava():
    imported = set()
    for node in ast.walk(ast.parse(Path(WORKER).read_text())):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "argparse", "json", "sys", "time", "numpy", "lava", "scipy"}


def test_ann_network_rejected():
    network, shape = tiny_network("ann")
    with pytest.raises(UnsupportedNetworkError, match="not spiking"):
        export_network(network, shape, 3)
