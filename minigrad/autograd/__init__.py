"""The autograd engine: graph nodes, grad mode, traversal and backward.

Modules: `grad_mode` (no_grad and friends), `function` (Function, Node), `graph` (the one
traversal, detach links), `engine` (backward, grad, unbroadcast), `anomaly`.
"""
