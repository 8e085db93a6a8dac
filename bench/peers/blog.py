"""A peer of the shape of Flask's tutorial app (flaskr), written here for the benchmark (not a copy of it): a
SQLite blog whose index lists 20 posts with their authors, a connection opened per request and closed at
teardown, the signed-in user looked up from the session, one Jinja layout. `BLOG_DATABASE` names the file."""
from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta

from flask import Flask, g, render_template, session
from jinja2 import DictLoader

LAYOUT = """<!doctype html>
<title>{% block title %}{% endblock %} - Blog</title>
<nav>
  <h1>Blog</h1>
  <ul>
    {% if g.user %}<li><span>{{ g.user['username'] }}</span><li><a href="/auth/logout">Log Out</a>
    {% else %}<li><a href="/auth/register">Register</a><li><a href="/auth/login">Log In</a>{% endif %}
  </ul>
</nav>
<section class="content">
  <header>{% block header %}{% endblock %}</header>
  {% block content %}{% endblock %}
</section>"""

INDEX = """{% extends "layout" %}
{% block header %}<h1>{% block title %}Posts{% endblock %}</h1>{% endblock %}
{% block content %}
  {% for post in posts %}
    <article class="post">
      <header>
        <div>
          <h1>{{ post['title'] }}</h1>
          <div class="about">by {{ post['username'] }} on {{ post['created'].strftime('%Y-%m-%d') }}</div>
        </div>
      </header>
      <p class="body">{{ post['body'] }}</p>
    </article>
    {% if not loop.last %}<hr>{% endif %}
  {% endfor %}
{% endblock %}"""

SCHEMA = """
CREATE TABLE user (id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT UNIQUE NOT NULL, password TEXT NOT NULL);
CREATE TABLE post (id INTEGER PRIMARY KEY AUTOINCREMENT, author_id INTEGER NOT NULL,
  created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, title TEXT NOT NULL, body TEXT NOT NULL,
  FOREIGN KEY (author_id) REFERENCES user (id));
"""


def create_database(path: str, posts: int = 20) -> None:
    """A fresh database with two authors and `posts` posts."""
    connection = sqlite3.connect(path)
    connection.executescript(SCHEMA)
    connection.executemany("INSERT INTO user (username, password) VALUES (?, ?)",
                           [("ana", "x"), ("ben", "y")])
    start = datetime(2026, 1, 1)
    connection.executemany(
        "INSERT INTO post (author_id, created, title, body) VALUES (?, ?, ?, ?)",
        [(1 + n % 2, start + timedelta(hours=n), f"Post {n}", "A paragraph of text. " * 8) for n in range(posts)])
    connection.commit()
    connection.close()


app = Flask(__name__)
app.secret_key = "bench"
app.jinja_loader = DictLoader({"layout": LAYOUT, "index": INDEX})  # compiled once, cached, as file templates are


def get_db() -> sqlite3.Connection:
    """One connection per request, as flaskr does."""
    if "db" not in g:
        g.db = sqlite3.connect(os.environ["BLOG_DATABASE"], detect_types=sqlite3.PARSE_DECLTYPES)
        g.db.row_factory = sqlite3.Row
    return g.db


@app.teardown_appcontext
def close_db(_exc=None) -> None:
    """Close the request's connection."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


@app.before_request
def load_user() -> None:
    """The signed-in user, from the session cookie (nobody is signed in during the benchmark)."""
    user_id = session.get("user_id")
    g.user = None if user_id is None else get_db().execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()


@app.get("/")
def index() -> str:
    """The posts, newest first, with their authors."""
    posts = get_db().execute(
        "SELECT p.id, title, body, created, author_id, username FROM post p JOIN user u ON p.author_id = u.id"
        " ORDER BY created DESC").fetchall()
    return render_template("index", posts=posts)
