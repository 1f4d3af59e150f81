"""A minimal faust app for the smoke test: counts values per key in a rocksdict-backed table
and echoes ``key -> value:count`` to the output topic. Configured by the environment the
test sets; not part of the product."""

import os

import faust

prefix = os.environ["SMOKE_NAMESPACE"]
app = faust.App(
    f"{prefix}echo",
    broker=f"kafka://{os.environ['KAFKA_BOOTSTRAP_SERVERS']}",
    store="rocksdb://",  # backed by rocksdict when python-rocksdb is absent
    datadir=os.environ["SMOKE_DATADIR"],
    web_enabled=False,
    topic_partitions=1,
    topic_replication_factor=1,
    processing_guarantee="at_least_once",
)
source = app.topic(f"{prefix}smoke.in", key_type=bytes, value_type=bytes, value_serializer="raw")
sink = app.topic(f"{prefix}smoke.out", key_type=bytes, value_type=bytes, value_serializer="raw")
counts = app.Table("counts", default=int, partitions=1)


@app.agent(source)
async def echo(stream):
    async for key, value in stream.items():
        counts[key] += 1
        await sink.send(key=key, value=value + b":" + str(counts[key]).encode())
