"""Weft workbench: `streamlit run workbench/app.py` (API at $WEFT_API_URL, default http://127.0.0.1:8000)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # pages import `workbench.…` however Streamlit was started
    sys.path.insert(0, str(REPO))

from workbench import api, ui  # noqa: E402

st.set_page_config(page_title="Weft workbench", page_icon=":material/insights:", layout="wide")

PAGES = {
    "Demand": [st.Page("pages/forecasts.py", title="Forecasts", icon=":material/trending_up:", url_path="forecasts")],
    "Stock": [st.Page("pages/what_if.py", title="Stock what-if", icon=":material/inventory_2:", url_path="what-if")],
    "Planning": [st.Page("pages/planning.py", title="Planning", icon=":material/event_note:", url_path="planning")],
    "Purchasing": [st.Page("pages/suppliers.py", title="Suppliers", icon=":material/handshake:", url_path="suppliers")],
    "Quality": [st.Page("pages/quality.py", title="Quality", icon=":material/verified:", url_path="quality")],
    "Models": [st.Page("pages/models.py", title="Models", icon=":material/model_training:", url_path="models")],
}


client = api.current()
if client is None:
    navigation = st.navigation([st.Page(ui.sign_in, title="Sign in", icon=":material/login:")])
else:
    with st.sidebar:
        roles = ", ".join(client.roles) or "no role"
        st.caption(f"Signed in as **{client.auth.get('display_name') or client.username}** ({roles})")
        if st.button("Sign out", icon=":material/logout:"):
            api.logout()
            st.rerun()
    navigation = st.navigation(PAGES)
navigation.run()
