"""This node as a witness of the other nodes' logs, and its own log's witnessing by them (C2SP
tlog-witness and tlog-cosignature): ``cosignature`` (the format), ``keys`` (the witness key),
``witness`` (the add-checkpoint checks), ``submit`` (the log side), ``status`` (what regulators,
the API and the command see)."""
