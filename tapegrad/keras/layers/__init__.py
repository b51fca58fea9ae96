"""``tapegrad.keras.layers``: Keras 3's layers on tapegrad.

``Layer`` (the base class), ``Dense``, ``Conv2D``, ``MaxPooling2D``/``MaxPool2D``,
``AveragePooling2D``/``AvgPool2D``, ``GlobalAveragePooling2D``, ``GlobalMaxPooling2D``, ``Flatten``,
``Reshape``, ``Dropout``, ``BatchNormalization``, ``LayerNormalization``, ``Embedding``, ``Activation``, ``ReLU``,
``LeakyReLU``, ``Softmax``, ``InputLayer``, ``Input``, and the merge layers ``Add``, ``Subtract``, ``Multiply``,
``Average``, ``Maximum``, ``Minimum``, ``Concatenate`` with their functional forms (``add``, ``concatenate``, ...),
and the recurrent layers ``RNN``, ``SimpleRNN``, ``LSTM``, ``GRU``, their cells and ``Bidirectional``.
"""
from .base import InputSpec, Layer
from .conv import (AveragePooling2D, AvgPool2D, Conv2D, GlobalAveragePooling2D, GlobalAvgPool2D, GlobalMaxPool2D,
                   GlobalMaxPooling2D, MaxPool2D, MaxPooling2D)
from .core import (Activation, Dense, Dropout, Embedding, Flatten, Input, InputLayer, LeakyReLU, ReLU, Reshape,
                   Softmax)
from .merging import (Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract, add, average, concatenate,
                      maximum, minimum, multiply, subtract)
from .normalization import BatchNormalization, LayerNormalization
from .recurrent import GRU, LSTM, RNN, Bidirectional, GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell

Convolution2D = Conv2D

__all__ = ["Layer", "InputSpec", "Dense", "Conv2D", "Convolution2D", "MaxPooling2D", "MaxPool2D",
           "AveragePooling2D", "AvgPool2D", "GlobalAveragePooling2D", "GlobalAvgPool2D", "GlobalMaxPooling2D",
           "GlobalMaxPool2D", "Flatten", "Reshape", "Dropout", "BatchNormalization", "LayerNormalization", "Embedding", "Activation",
           "ReLU", "LeakyReLU", "Softmax", "InputLayer", "Input", "Add", "Subtract", "Multiply", "Average", "Maximum",
           "Minimum", "Concatenate", "add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate",
           "RNN", "SimpleRNN", "SimpleRNNCell", "LSTM", "LSTMCell", "GRU", "GRUCell", "Bidirectional"]
