#!/bin/sh
# The image's ENTRYPOINT. `docker run IMAGE` serves; options alone are serve's options
# (`docker run IMAGE --demo`); a command name runs that command (`docker run IMAGE publisher
# list`, `docker exec CONTAINER socle token create --publisher p` needs no entrypoint).
# `exec` makes socle PID 1's process itself, so it receives SIGTERM from `docker stop`.
set -e
if [ "$#" -eq 0 ]; then
  exec socle serve --host 0.0.0.0
fi
case "$1" in
  -*) exec socle serve --host 0.0.0.0 "$@" ;;
  socle) shift; exec socle "$@" ;;
  *) exec socle "$@" ;;
esac
