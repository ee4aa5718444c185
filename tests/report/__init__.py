"""Tests of kgen.report, one module per format."""
