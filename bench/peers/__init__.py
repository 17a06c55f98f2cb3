"""polc beside its peers (issue 16): the same generated cases answered by polc's
generated functions, exact hand-written twins, numpy, OpenFisca and GoRules ZEN.

- cases.py: the generated in-domain cases, as numpy columns, boundaries over-represented
- twins.py: the fastest exact hand-written Python twins (the scalar reference)
- vector.py: hand-written `np.select` peers over columns (integer 分)
- openfisca_model.py: a minimal OpenFisca tax-benefit system for the same decisions
- zen_tables.py, jdm/*.json: GoRules ZEN decision tables
- engines.py: the registry of engines, each preparing its inputs from the same columns
- measure.py: `bench/run.py --only peers`, the figures and issue 16's targets

tests/test_bench_peers.py holds every engine to polc's answers before any is timed.
"""
