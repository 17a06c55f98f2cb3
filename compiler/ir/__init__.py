"""The intermediate representation every backend and analysis reads."""

from .nodes import *
