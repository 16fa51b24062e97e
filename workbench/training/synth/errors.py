"""The one exception type the synthesis toolkit raises for failed synthesis."""


class SynthesisError(RuntimeError):
    """Audio could not be synthesized (a program is missing or failed).

    ``program`` names the external program involved, when there is one, so a
    caller can tell the user what to install without parsing the message.
    """

    def __init__(self, message: str, program: str | None = None) -> None:
        super().__init__(message)
        self.program = program
