"""Information governance: the IG dashboard's anomaly rules and the FOI report's building blocks.

It reads the audit log, staff, records and devices to answer IG and FOI questions, so it sits
above all of them; the pages that show its answers are in `safekeep.web.governance`.
"""
