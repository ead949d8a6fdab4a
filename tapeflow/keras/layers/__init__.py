"""``keras.layers``: the building blocks of models.

Example:
    >>> from tapeflow import keras
    >>> inputs = keras.Input(shape=(4,))
    >>> outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.Dense(5)(inputs))
    >>> outputs.shape
    (None, 3)
"""
from tapeflow.keras.layers.activation_layers import ELU, LeakyReLU, ReLU, Softmax
from tapeflow.keras.layers.base import DTypePolicy, Layer
from tapeflow.keras.layers.convolutional import Conv1D, Conv2D, Conv2DTranspose
from tapeflow.keras.layers.convolutional_depthwise import DepthwiseConv2D, SeparableConv2D
from tapeflow.keras.layers.core import (Activation, Dropout, Flatten, Identity, Lambda,
                                        Rescaling, Reshape)
from tapeflow.keras.layers.dense import Dense
from tapeflow.keras.layers.input_layer import Input, InputLayer
from tapeflow.keras.layers.input_spec import InputSpec
from tapeflow.keras.layers.keras_tensor import KerasTensor
from tapeflow.keras.layers.normalization import BatchNormalization
from tapeflow.keras.layers.merge import (Add, Average, Concatenate, Maximum, Minimum, Multiply,
                                         Subtract, add, average, concatenate, maximum, minimum,
                                         multiply, subtract)
from tapeflow.keras.layers.embedding import Embedding
from tapeflow.keras.layers.layer_normalization import LayerNormalization
from tapeflow.keras.layers.preprocessing import (CenterCrop, IntegerLookup, Normalization,
                                                 RandomContrast, RandomCrop, RandomFlip,
                                                 RandomRotation, RandomTranslation, RandomZoom,
                                                 Resizing, StringLookup, TextVectorization)
from tapeflow.keras.layers.reshaping import (Cropping2D, Permute, RepeatVector, UpSampling2D,
                                             ZeroPadding2D)
from tapeflow.keras.layers.pooling import (AveragePooling1D, AveragePooling2D,
                                           GlobalAveragePooling1D, GlobalAveragePooling2D,
                                           GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D,
                                           MaxPooling2D)
from tapeflow.keras.layers.serialization import deserialize, serialize

__all__ = ["Layer", "InputLayer", "Input", "InputSpec", "KerasTensor", "DTypePolicy", "Dense",
           "Flatten", "Reshape", "Activation", "Dropout", "Identity", "Lambda", "Rescaling",
           "ReLU", "LeakyReLU", "ELU", "Softmax", "Add", "Subtract", "Multiply", "Average",
           "Maximum", "Minimum", "Concatenate", "add", "subtract", "multiply", "average",
           "maximum", "minimum", "concatenate", "BatchNormalization", "serialize",
           "deserialize", "ZeroPadding2D", "Cropping2D", "UpSampling2D", "Permute",
           "RepeatVector", "LayerNormalization", "Embedding", "Normalization", "Resizing",
           "CenterCrop", "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation",
           "RandomContrast", "RandomCrop", "TextVectorization", "StringLookup", "IntegerLookup",
           "Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D",
           "SeparableConv2D", "MaxPooling1D", "MaxPooling2D", "AveragePooling1D",
           "AveragePooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
           "GlobalMaxPooling1D", "GlobalMaxPooling2D", "Convolution1D", "Convolution2D",
           "Convolution2DTranspose", "SeparableConvolution2D", "MaxPool1D", "MaxPool2D",
           "AvgPool1D", "AvgPool2D", "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalMaxPool1D",
           "GlobalMaxPool2D"]

# Keras's other names for the same classes
Convolution1D, Convolution2D, Convolution2DTranspose = Conv1D, Conv2D, Conv2DTranspose
SeparableConvolution2D = SeparableConv2D
MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = (MaxPooling1D, MaxPooling2D, AveragePooling1D,
                                              AveragePooling2D)
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
