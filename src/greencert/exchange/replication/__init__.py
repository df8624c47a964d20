"""Replication: this node follows the other provincial nodes' transparency logs and keeps a
read-only copy of their certificates, applied only from entries their signed checkpoints cover."""
