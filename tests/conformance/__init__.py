"""The conformance suite: every operation checked against PyTorch (see opinfo.py)."""
