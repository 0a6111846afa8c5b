"""Skills for home: needs posted by promoters and vetted host institutions, members' skill profiles,
offers that become missions, matching for staff and the diaspora mapping (small cells suppressed)."""
