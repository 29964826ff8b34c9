"""Weft's machine-learning package: forecasting, inventory optimisation, defect detection,
supplier scoring. Plain Python (pandas, scikit-learn, Keras, Prophet); never imports Django."""

__version__ = "0.1.0"
