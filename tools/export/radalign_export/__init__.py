"""Wrappers that turn loaded CLIP-style checkpoints into radalign model folders.

Nothing here imports transformers, open_clip, timm or hi-ml: the wrappers take already-loaded torch
modules with a known attribute structure. The `export_*.py` entry points next to this package load
the real libraries (lazily) and hand their models to these wrappers; `make_fixtures.py` hands them
tiny plain-torch stand-ins with the same structure, so the same code is tested without the libraries.
"""
