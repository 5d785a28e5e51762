"""Image classification datasets: files, default models and per-profile settings."""

from __future__ import annotations

from asnbench.registry import DatasetSpec, ProfileSettings, register

IMAGE_CLASSIFICATION = "image_classification"

_IDX_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)

register(
    DatasetSpec(
        name="vision/digits",
        task=IMAGE_CLASSIFICATION,
        metric="accuracy",
        loader="asnbench.data.digits:load_digits",
        input_shape=(1, 8, 8),
        num_classes=10,
        default_model="mlp",
        embedded=True,
        source="scikit-learn bundled 8x8 digits (1797 samples), stratified 75/25 split",
        profiles={
            "smoke": ProfileSettings(epochs=30, batch_size=64, lr=2e-3, model_options={"hidden": (256,)}),
            "full": ProfileSettings(epochs=100, batch_size=64, lr=1e-3, model_options={"hidden": (512, 512)}),
        },
    )
)

register(
    DatasetSpec(
        name="vision/mnist",
        task=IMAGE_CLASSIFICATION,
        metric="accuracy",
        loader="asnbench.data.mnist:load_mnist",
        input_shape=(1, 28, 28),
        num_classes=10,
        default_model="mlp",
        files=tuple(f"mnist/raw/{f}" for f in _IDX_FILES),
        source="MNIST, official IDX files (yann.lecun.com mirrors via torchvision)",
        profiles={
            "smoke": ProfileSettings(epochs=8, batch_size=128, lr=1e-3, model_options={"hidden": (512,)}),
            "full": ProfileSettings(
                epochs=40, batch_size=128, lr=1e-3, model_options={"channels": (64, "M", 128, "M"), "hidden": (512,)}
            ),
        },
    )
)

register(
    DatasetSpec(
        name="vision/fashion-mnist",
        task=IMAGE_CLASSIFICATION,
        metric="accuracy",
        loader="asnbench.data.mnist:load_fashion_mnist",
        input_shape=(1, 28, 28),
        num_classes=10,
        default_model="vgg",
        files=tuple(f"fashion_mnist/raw/{f}" for f in _IDX_FILES),
        source="Fashion-MNIST, official IDX files (Zalando, via torchvision)",
        profiles={
            "smoke": ProfileSettings(
                epochs=6, batch_size=128, lr=1e-3, model_options={"channels": (16, "M", 32, "M"), "hidden": (128,)}
            ),
            "full": ProfileSettings(
                epochs=40, batch_size=128, lr=1e-3, model_options={"channels": (64, "M", 128, "M"), "hidden": (512,)}
            ),
        },
    )
)

register(
    DatasetSpec(
        name="vision/cifar10",
        task=IMAGE_CLASSIFICATION,
        metric="accuracy",
        loader="asnbench.data.cifar:load_cifar10",
        input_shape=(3, 32, 32),
        num_classes=10,
        default_model="vgg",
        files=(
            "cifar10/cifar-10-batches-py/batches.meta",
            *(f"cifar10/cifar-10-batches-py/data_batch_{i}" for i in range(1, 6)),
            "cifar10/cifar-10-batches-py/test_batch",
        ),
        alternatives=(("cifar10_jpeg_subset/train", "cifar10_jpeg_subset/test"),),
        source="CIFAR-10 python batches (cs.toronto.edu, via torchvision), or an ImageFolder copy",
        profiles={
            "smoke": ProfileSettings(
                epochs=5, batch_size=64, lr=1e-3, model_options={"channels": (32, "M", 64, "M"), "hidden": (256,)}
            ),
            "full": ProfileSettings(
                epochs=100,
                batch_size=128,
                lr=1e-3,
                model_options={"channels": (64, 64, "M", 128, 128, "M", 256, 256, "M"), "hidden": (512,)},
                options_by_model={
                    "resnet": {"widths": (64, 128, 256, 512), "depth": "resnet18"},
                    "vit": {"patch_size": 4, "dim": 384, "depth": 4, "heads": 12, "mlp_ratio": 4.0},
                    "transformer": {"patch_size": 4, "dim": 384, "depth": 4, "heads": 12, "mlp_ratio": 4.0},
                },
            ),
        },
    )
)

register(
    DatasetSpec(
        name="vision/cifar100",
        task=IMAGE_CLASSIFICATION,
        metric="accuracy",
        loader="asnbench.data.cifar:load_cifar100",
        input_shape=(3, 32, 32),
        num_classes=100,
        default_model="vgg",
        files=("cifar100/cifar-100-python/train", "cifar100/cifar-100-python/test", "cifar100/cifar-100-python/meta"),
        source="CIFAR-100 python files (cs.toronto.edu, via torchvision), fine labels",
        profiles={
            "smoke": ProfileSettings(
                epochs=5, batch_size=64, lr=1e-3, model_options={"channels": (32, "M", 64, "M"), "hidden": (256,)}
            ),
            "full": ProfileSettings(
                epochs=100,
                batch_size=128,
                lr=1e-3,
                model_options={"channels": (64, 64, "M", 128, 128, "M", 256, 256, "M"), "hidden": (512,)},
            ),
        },
    )
)
