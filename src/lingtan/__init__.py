"""lingtan (零碳): the energy-and-carbon management centre for zero-carbon factories."""

__version__ = "0.1.0"
