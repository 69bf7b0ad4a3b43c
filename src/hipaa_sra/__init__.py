"""hipaa-sra: HIPAA Security Risk Analysis kept as code."""

__version__ = "0.1.0"
