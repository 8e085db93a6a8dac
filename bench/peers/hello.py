"""The yardstick: a bare Flask route returning "hello", served by the same gunicorn as everything else."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The cheapest page Flask can serve."""
    return "hello"
