"""Specs for tapegrad/ops/random.py."""
import numpy as np

import tapegrad as tg

from . import OpSpec

SPECS = []
