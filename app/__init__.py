"""The application layer, split by what runs where (see docs/architecture.md):

- `api/`: the HTTP API (FastAPI); its process never imports torch.
- `workers/`: worker processes that claim units of work and train.
- `db/`: our tables, their migrations and the work queue.
- `cli/`: the `taskweights` command.
- `client.py`, `schemas.py`: the HTTP client and the contract it shares with the API.
- `local.py`: whole studies in this process, for the Python API.
"""
