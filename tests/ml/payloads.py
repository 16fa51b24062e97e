"""A pickle payload that proves whether loading a file ran code from it."""

import builtins


class CanaryPayload:
    """Unpickling this calls open(path, "w"): the canary file appears if code ran."""

    def __init__(self, canary_path):
        self.canary_path = str(canary_path)

    def __reduce__(self):
        return (builtins.open, (self.canary_path, "w"))
