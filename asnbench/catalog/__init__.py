"""Every dataset asnbench knows; importing this package registers them all.

One module per modality keeps each family's files and profile settings together.
"""

from asnbench.catalog import pending, vision  # noqa: F401
