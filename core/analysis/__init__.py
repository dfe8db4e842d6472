"""Analyses on the engine: metrics, strategy pillars, levers, pricing, risk, Van Westendorp."""
