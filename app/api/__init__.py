"""The HTTP API: FastAPI routes over our tables and Optuna's storage. It never trains."""
