"""Specs for tapegrad/ops/array.py."""
import numpy as np

import tapegrad as tg

from . import OpSpec

SPECS = []
