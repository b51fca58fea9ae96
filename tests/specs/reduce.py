"""Specs for tapegrad/ops/reduce.py."""
import numpy as np

import tapegrad as tg

from . import OpSpec

SPECS = []
