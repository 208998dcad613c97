"""Running GreenPact in production: the gunicorn settings (`gunicorn_conf.py`), the
nginx site (`nginx-site.conf` rendered by `nginx.py`), systemd units, and a local
cluster of all of them (`cluster.py`, `make serve-cluster`) that tests and benchmarks
reuse. deploy/README.md tells a county's IT how to install them."""
