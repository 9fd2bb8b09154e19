"""Distributed ingestion on a Dask cluster: extraction on the workers, Parquet shards out.

- `plugin`: the worker plugin that loads one `Engine` per worker;
- `partitions`: inputs cut into partitions (documents, or file paths on shared storage), each
  named by a hash of what it holds;
- `shards`: one Parquet file per table and partition, written under a temporary name and renamed;
- `manifest`: the list of finished partitions, the only record a reader or a rerun trusts;
- `run`: the client's loop (submit, retry, record) and the task the workers run;
- `load`: shards into a corpus store (`eventwire merge SHARDS --db FILE`) or into memory for
  `eventwire query --parquet`.

Only `run` needs Dask (the optional `eventwire[cluster]` dependencies); reading shards needs
pyarrow alone. docs/CLUSTER.md describes the design and how to run it on a real cluster.
"""
from eventwire.cluster.load import LoadCounts, load_shards, open_shards
from eventwire.cluster.manifest import Manifest

__all__ = ["LoadCounts", "Manifest", "load_shards", "open_shards"]
