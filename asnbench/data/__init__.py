"""Image-classification datasets loaded whole into memory.

Each ``load_*`` function takes ``(root, split, download=True)`` with ``split`` in
{"train", "test"} and returns an ``ImageTensorDataset``. ``resolve_data_root`` picks
the root folder.
"""

from .cifar import load_cifar10, load_cifar100
from .digits import load_digits
from .in_memory import ImageTensorDataset
from .mnist import load_fashion_mnist, load_mnist
from .root import offline_mode, resolve_data_root

__all__ = [
    "ImageTensorDataset",
    "load_cifar10",
    "load_cifar100",
    "load_digits",
    "load_fashion_mnist",
    "load_mnist",
    "offline_mode",
    "resolve_data_root",
]
