"""A minimal stand-in for KubeEdge sedna, shipped with bench.

bench's Python adapter puts this on sys.path for a unit only when the real
`sedna` package cannot be imported.  It holds the part Ianvs modules use:
sedna.common.class_factory (ClassFactory, ClassType) and sedna.datasources
(BaseDataSource, TxtDataParse, CSVDataParse, JSONDataParse), written for
bench from sedna's documented behaviour.
"""
BENCH_SHIM = True
