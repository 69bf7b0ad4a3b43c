"""Computations over a loaded workspace that are not pass/fail: indexes, evidence, coverage."""
