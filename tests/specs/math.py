"""Specs for tapegrad/ops/math.py."""
import numpy as np

import tapegrad as tg

from . import OpSpec

SPECS = []
