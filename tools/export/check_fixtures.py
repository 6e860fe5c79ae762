#!/usr/bin/python3
"""Checks that the committed export fixtures (test/fixtures/export/) are what the current recipes make: runs
make_fixtures.py into a temporary folder, then compares every file. ONNX graphs, model.json and tokenizer.json must
be byte-identical; reference.json's numbers may differ by float rounding (another BLAS gives ~1e-7), nothing else.
Then runs the refusal tests (test_export_refusals.py). Exit 0 when all hold; `npm test` runs it
(test/tools/export-python.test.ts) where Debian's python3-torch is installed or installable.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
COMMITTED = os.path.normpath(os.path.join(HERE, '..', '..', 'test', 'fixtures', 'export'))
REFERENCE_TOLERANCE = 1e-5


def numbers_close(a, b, path='reference.json'):
    """Same structure, same strings, numbers within REFERENCE_TOLERANCE; returns the first difference or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        if sorted(a) != sorted(b):
            return f'{path}: keys {sorted(a)} vs {sorted(b)}'
        return next((d for k in a for d in [numbers_close(a[k], b[k], f'{path}.{k}')] if d), None)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f'{path}: {len(a)} vs {len(b)} items'
        return next((d for i, (x, y) in enumerate(zip(a, b)) for d in [numbers_close(x, y, f'{path}[{i}]')] if d), None)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return None if abs(a - b) <= REFERENCE_TOLERANCE else f'{path}: {a} vs {b}'
    return None if a == b else f'{path}: {a!r} vs {b!r}'


def compare(made, committed):
    problems = []
    names = sorted(set(os.listdir(made)) | set(os.listdir(committed)))
    for name in names:
        a_dir, b_dir = os.path.join(made, name), os.path.join(committed, name)
        if not os.path.isdir(a_dir) or not os.path.isdir(b_dir):
            problems.append(f'{name}: {"not made" if not os.path.isdir(a_dir) else "not committed"}')
            continue
        for f in sorted(set(os.listdir(a_dir)) | set(os.listdir(b_dir))):
            a, b = os.path.join(a_dir, f), os.path.join(b_dir, f)
            if not os.path.exists(a) or not os.path.exists(b):
                problems.append(f'{name}/{f}: only in {"the committed fixtures" if os.path.exists(b) else "the new run"}')
            elif f == 'reference.json':
                with open(a, encoding='utf-8') as fa, open(b, encoding='utf-8') as fb:
                    d = numbers_close(json.load(fa), json.load(fb))
                if d:
                    problems.append(f'{name}/{d}')
            else:
                with open(a, 'rb') as fa, open(b, 'rb') as fb:
                    if fa.read() != fb.read():
                        problems.append(f'{name}/{f}: bytes differ')
    return problems


def main():
    with tempfile.TemporaryDirectory(prefix='radalign-fixtures-') as out:
        subprocess.run([sys.executable, os.path.join(HERE, 'make_fixtures.py'), '--out', out], check=True,
                       stdout=subprocess.DEVNULL)
        problems = compare(out, COMMITTED)
    for p in problems:
        print('differs:', p)
    print(f'fixtures: {"the recipes make the committed fixtures" if not problems else f"{len(problems)} differences"}')
    tests = unittest.defaultTestLoader.discover(HERE, pattern='test_*.py')
    result = unittest.TextTestRunner(verbosity=1).run(tests)
    sys.exit(0 if not problems and result.wasSuccessful() else 1)


if __name__ == '__main__':
    main()
