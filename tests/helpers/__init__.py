"""Helpers shared by several test modules (readers, graph builders, program generators).

Not test modules themselves: a test imports from here, never from a sibling test module.
"""
