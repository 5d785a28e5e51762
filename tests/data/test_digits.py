import numpy as np
import pytest
import sklearn.datasets
import torch

from asnbench.data import ImageTensorDataset, load_digits


@pytest.fixture(scope="module")
def digits():
    return load_digits(None, "train"), load_digits(None, "test")


def test_digits_split_sizes(digits):
    train, test = digits
    assert len(train) == 1347
    assert len(test) == 450


def test_digits_shapes_and_dtypes(digits):
    for dataset in digits:
        assert dataset.images.shape[1:] == (1, 8, 8)
        assert dataset.images.dtype == torch.float32
        assert dataset.labels.dtype == torch.int64
        assert dataset.classes == [str(k) for k in range(10)]


def test_digits_split_is_stratified(digits):
    train, test = digits
    total = np.bincount(sklearn.datasets.load_digits().target, minlength=10)
    test_counts = test.labels.bincount(minlength=10).numpy()
    train_counts = train.labels.bincount(minlength=10).numpy()
    assert (train_counts + test_counts == total).all()
    assert (np.abs(test_counts - 0.25 * total) <= 1).all()


def test_digits_normalized_with_train_stats(digits):
    train, test = digits
    assert abs(float(train.images.mean())) < 1e-4
    assert abs(float(train.images.std()) - 1.0) < 1e-2
    # The test split uses the train statistics, so its mean is near but not exactly 0.
    assert abs(float(test.images.mean())) < 0.1


def test_digits_pixels_match_sklearn(digits):
    train, test = digits
    # Pixel 0 and pixel 16 both occur in the train split, so the smallest and largest
    # normalized values give back the affine map from raw pixels.
    low = float(train.images.min())
    high = float(train.images.max())
    sklearn_images = {image.astype(np.uint8).tobytes() for image in sklearn.datasets.load_digits().images}

    for dataset in (train, test):
        pixels = (dataset.images.double() - low) / (high - low) * 16
        assert torch.allclose(pixels, pixels.round(), atol=1e-3)
        for image in pixels.round().to(torch.uint8):
            assert image[0].numpy().tobytes() in sklearn_images

    train_pixels = ((train.images.double() - low) / (high - low) * 16).round() / 16
    mean = float(train_pixels.mean())
    std = float(train_pixels.std(unbiased=False))
    assert low == pytest.approx(-mean / std, abs=1e-4)
    assert high == pytest.approx((1 - mean) / std, abs=1e-4)


def test_digits_deterministic():
    first = load_digits(None, "test")
    second = load_digits(None, "test")
    assert torch.equal(first.images, second.images)
    assert torch.equal(first.labels, second.labels)


def test_digits_invalid_split():
    with pytest.raises(ValueError, match="'validation'"):
        load_digits(None, "validation")


# ImageTensorDataset ---------------------------------------------------------------


def make_dataset(counts: list[int]) -> ImageTensorDataset:
    labels = torch.cat([torch.full((count,), label) for label, count in enumerate(counts)])
    images = torch.arange(len(labels), dtype=torch.float32).view(-1, 1, 1, 1).expand(-1, 1, 2, 2).clone()
    return ImageTensorDataset(images, labels, [f"c{k}" for k in range(len(counts))])


def test_dataset_getitem_and_len():
    dataset = make_dataset([3, 2])
    assert len(dataset) == 5
    image, label = dataset[4]
    assert image.shape == (1, 2, 2)
    assert float(image[0, 0, 0]) == 4.0
    assert label == 1
    assert isinstance(label, int)


def test_dataset_rejects_wrong_dtypes():
    with pytest.raises(ValueError, match="float32"):
        ImageTensorDataset(torch.zeros(2, 1, 2, 2, dtype=torch.float64), torch.zeros(2, dtype=torch.int64), ["a"])
    with pytest.raises(ValueError, match="int64"):
        ImageTensorDataset(torch.zeros(2, 1, 2, 2), torch.zeros(2, dtype=torch.int32), ["a"])


def test_dataset_rejects_length_mismatch():
    with pytest.raises(ValueError, match="3 samples but labels has 2"):
        ImageTensorDataset(torch.zeros(3, 1, 2, 2), torch.zeros(2, dtype=torch.int64), ["a"])


def test_dataset_rejects_label_out_of_range():
    with pytest.raises(ValueError, match="2 classes"):
        ImageTensorDataset(torch.zeros(2, 1, 2, 2), torch.tensor([0, 2]), ["a", "b"])


def test_subset_balances_classes():
    dataset = make_dataset([50, 30, 20])
    subset = dataset.subset(30, seed=0)
    assert len(subset) == 30
    assert subset.labels.bincount().tolist() == [10, 10, 10]
    assert subset.classes == dataset.classes


def test_subset_fills_from_larger_classes():
    dataset = make_dataset([50, 30, 2])
    counts = dataset.subset(30, seed=0).labels.bincount().tolist()
    assert counts[2] == 2
    assert counts[0] + counts[1] == 28
    assert abs(counts[0] - counts[1]) <= 1


def test_subset_deterministic_and_seeded():
    dataset = make_dataset([50, 50])
    first = dataset.subset(10, seed=3)
    assert torch.equal(first.images, dataset.subset(10, seed=3).images)
    assert not torch.equal(first.images, dataset.subset(10, seed=4).images)


def test_subset_keeps_pairs_and_order():
    dataset = make_dataset([50, 50])
    subset = dataset.subset(10, seed=1)
    indices = subset.images[:, 0, 0, 0].long()
    assert torch.equal(indices, indices.sort().values)
    assert torch.equal(subset.labels, dataset.labels[indices])


def test_subset_larger_than_dataset():
    dataset = make_dataset([3, 2])
    subset = dataset.subset(100, seed=0)
    assert torch.equal(subset.images, dataset.images)


def test_subset_invalid_size():
    with pytest.raises(ValueError, match="0"):
        make_dataset([3]).subset(0, seed=0)


def test_subset_of_digits(digits):
    train, _ = digits
    subset = train.subset(100, seed=0)
    assert len(subset) == 100
    assert subset.labels.bincount(minlength=10).tolist() == [10] * 10
