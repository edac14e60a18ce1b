"""Property-based fuzzing of the HTTP API with schemathesis (`make fuzz`, see fuzz/run.py)."""
