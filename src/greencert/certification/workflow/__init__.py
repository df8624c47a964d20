"""The certification workflow (认证实施): 申请 → 初始检查 → 抽样检验 → 评价与批准 → 获证后监督.

The states and transitions are data (``data/workflow.yaml``, read by ``machine``); the steps are
action functions in ``actions`` (applications), ``surveillance`` and ``certificates``.
"""
