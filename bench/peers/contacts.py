"""A peer of the shape of the htmx book's contact app (Hypermedia Systems), written here for the benchmark (not a
copy of it): contacts held in memory, loaded from a JSON file at start, `/contacts` rendering a search form and a
page of rows in a layout that loads htmx. `CONTACTS_FILE` names the JSON file."""
from __future__ import annotations

import json
import os
from functools import cache

from flask import Flask, render_template, request
from jinja2 import DictLoader

LAYOUT = """<!doctype html>
<html lang="en">
<head>
  <title>Contact App</title>
  <script src="/static/js/htmx.js"></script>
</head>
<body hx-boost="true">
<main>
  <header><h1>contacts.app</h1><h2>A Demo Contacts Application</h2></header>
  {% block content %}{% endblock %}
</main>
</body>
</html>"""

INDEX = """{% extends "layout" %}
{% block content %}
  <form action="/contacts" method="get" class="tool-bar">
    <label for="search">Search Term</label>
    <input id="search" type="search" name="q" value="{{ request.args.get('q') or '' }}"
           hx-get="/contacts" hx-trigger="search, keyup delay:200ms changed" hx-target="tbody" hx-push-url="true">
    <input type="submit" value="Search"/>
  </form>
  <table>
    <thead><tr><th></th><th>First</th><th>Last</th><th>Phone</th><th>Email</th><th></th></tr></thead>
    <tbody>
    {% for contact in contacts %}
      <tr>
        <td><input type="checkbox" name="selected_contact_ids" value="{{ contact.id }}"></td>
        <td>{{ contact.first }}</td><td>{{ contact.last }}</td><td>{{ contact.phone }}</td><td>{{ contact.email }}</td>
        <td><a href="/contacts/{{ contact.id }}/edit">Edit</a> <a href="/contacts/{{ contact.id }}">View</a></td>
      </tr>
    {% endfor %}
    </tbody>
  </table>
  <p><a href="/contacts/new">Add Contact</a></p>
{% endblock %}"""

PAGE_SIZE = 10


def write_contacts(path: str, count: int = 100) -> None:
    """A JSON file of `count` contacts."""
    contacts = [{"id": n, "first": f"First{n}", "last": f"Last{n}", "phone": f"555-01{n:02d}",
                 "email": f"person{n}@example.org"} for n in range(1, count + 1)]
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(contacts, handle)


app = Flask(__name__)
app.jinja_loader = DictLoader({"layout": LAYOUT, "index": INDEX})


@cache
def all_contacts() -> list[dict]:
    """The contacts, read once per process (the contact app keeps its JSON in memory too)."""
    with open(os.environ["CONTACTS_FILE"], encoding="utf-8") as handle:
        return json.load(handle)


@app.get("/contacts")
def contacts() -> str:
    """A page of contacts, searched by name or email when `q` is given."""
    query = request.args.get("q")
    page = int(request.args.get("page", 1))
    found = [c for c in all_contacts() if not query or query in c["first"] or query in c["last"] or query in c["email"]]
    return render_template("index", contacts=found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE])
