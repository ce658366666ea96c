"""Catalog schemas compiled to Python ahead of time (scripts/gen_validators.py): do not edit."""


class JsonSchemaValueException(ValueError):
    """What the generated validators raise (fastjsonschema's exception of that name, its fields kept)."""

    def __init__(self, message, value=None, name=None, definition=None, rule=None):
        super().__init__(message)
        self.message, self.value, self.name, self.definition, self.rule = message, value, name, definition, rule


JsonSchemaValuesException = JsonSchemaValueException  # imported, never raised (validators fail fast)
