"""bench_ianvs: bench's adapter that runs a KubeEdge Ianvs Python module.

bench starts one process per unit:

    PYTHON -m bench_ianvs --module M.py --modules JSON --params JSON
                          --testenv JSON --paradigm P --kwargs JSON
                          --workspace DIR

(--kwargs: what Ianvs hands the paradigm from the algorithm and job:
initial_model_url, incremental_learning_data_setting,
hard_example_mining_mode)

and this package loads the module, instantiates the class registered
under the module's name with sedna's ClassFactory, runs the paradigm's
flow the way Ianvs does (see flow.py) and reports every testenv metric
whose url is a .py over BENCH_STATUS_FD (bench_record).  A Python
exception ends the unit `failed`, its last line the error, the traceback
in the unit's log (stderr).
"""
