"""Whether a change may ship: the deploy gate, the risk of a change, the URNs stateful resources must keep."""
