"""Text classification datasets: files, default models and per-profile settings.

The default model is the spiking text CNN; ``--model transformer`` runs the
spiking transformer encoder with the options in ``options_by_model``.
"""

from __future__ import annotations

from asnbench.registry import DatasetSpec, ProfileSettings, register

TEXT_CLASSIFICATION = "text_classification"

_SMOKE_CNN = {"embed_dim": 64, "channels": 64, "kernel_sizes": (3, 4, 5), "dropout": 0.5}
_FULL_CNN = {"embed_dim": 300, "channels": 100, "kernel_sizes": (3, 4, 5), "dropout": 0.5}
_SMOKE_TRANSFORMER = {"dim": 128, "depth": 2, "heads": 4, "mlp_ratio": 2, "max_length": 128}
_FULL_TRANSFORMER = {"dim": 256, "depth": 4, "heads": 8, "mlp_ratio": 4, "max_length": 256}


def _profiles(smoke_epochs: int, full_epochs: int) -> dict[str, ProfileSettings]:
    return {
        "smoke": ProfileSettings(
            epochs=smoke_epochs,
            batch_size=50,
            lr=4e-3,
            model_options=_SMOKE_CNN,
            options_by_model={"transformer": _SMOKE_TRANSFORMER},
        ),
        "full": ProfileSettings(
            epochs=full_epochs,
            batch_size=50,
            lr=5e-4,
            model_options=_FULL_CNN,
            options_by_model={"transformer": _FULL_TRANSFORMER},
        ),
    }


for _name, _loader, _classes, _source, _files, _smoke in [
    ("text/sst2", "load_sst2", 2, "SST-2 sentence level, stsa.binary.{train,dev,test} (UTF-8)",
     ("sst2/stsa.binary.train", "sst2/stsa.binary.test"), 10),
    ("text/sst5", "load_sst5", 5, "SST-5 sentence level, stsa.fine.{train,dev,test} (UTF-8)",
     ("sst5/stsa.fine.train", "sst5/stsa.fine.test"), 10),
    ("text/mr", "load_mr", 2, "Movie Review polarity, rt-polarity.{pos,neg} (Latin-1), seeded 90/10 split",
     ("mr/rt-polarity.pos", "mr/rt-polarity.neg"), 10),
    ("text/subj", "load_subj", 2, "Subjectivity, subj.{subjective,objective} (Latin-1), seeded 90/10 split",
     ("subj/subj.subjective", "subj/subj.objective"), 10),
    ("text/trec", "load_trec", 6, "TREC question classification, 6 coarse labels, TREC.{train,test} (Latin-1)",
     ("trec/TREC.train", "trec/TREC.test"), 10),
    ("text/mpqa", "load_mpqa", 2, "MPQA opinion polarity, mpqa.{pos,neg}, seeded 90/10 split",
     ("mpqa/mpqa.pos", "mpqa/mpqa.neg"), 10),
]:
    register(
        DatasetSpec(
            name=_name,
            task=TEXT_CLASSIFICATION,
            metric="accuracy",
            loader=f"asnbench.data.text:{_loader}",
            input_shape=(),
            num_classes=_classes,
            default_model="text_cnn",
            files=_files,
            source=_source,
            profiles=_profiles(_smoke, 20),
        )
    )
