"""Load and abuse for the stress tests and benchmarks: deterministic corpora, no Kafka here."""
