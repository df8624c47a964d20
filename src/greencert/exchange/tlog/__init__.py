"""The node's transparency log: its certificate event log as a C2SP tlog-tiles Merkle tree log with
signed checkpoints (C2SP tlog-checkpoint, signed-note), inclusion and consistency proofs
(RFC 6962 §2.1) and an auditor for any node's log."""
