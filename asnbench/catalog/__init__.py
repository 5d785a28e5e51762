"""Every dataset asnbench knows; importing this package registers them all.

One module per modality keeps each family's files and profile settings together.
"""

from asnbench.catalog import detection, pending, segmentation, vision, vision_extra  # noqa: F401
from asnbench.catalog import text  # noqa: F401
from asnbench.catalog import language_modeling  # noqa: F401
from asnbench.catalog import tagging  # noqa: F401
