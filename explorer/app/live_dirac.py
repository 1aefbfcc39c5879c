"""The Dirac GAN tab's run in a worker ("Why GANs circle"): simultaneous and alternating
descent on the game of Mescheder et al. (2018, sec. 2) from the page's start, played at a pace a
person can follow (toy.dirac.DiracRun), drawn as live frames. No gradio here."""

from __future__ import annotations

from ..core.errors import ConfigError
from ..core.export import evenly
from ..toy import plots_dirac
from ..toy.dirac import DiracConfig, DiracRun, eigenvalues, field_grid, plane_extent
from .frames import live_frame, page_has, view_key
from .worker import Slot

# the controls of the tab, in order: the DiracConfig field each sets
CONTROL_NAMES = ("regulariser", "gamma", "g_lr", "d_lr", "k_d_steps", "steps", "start_theta", "start_psi")
# what never moves in the figure: the field, the equilibrium, the start
STILL_TRACES = ("click to start here", "the vector field v(θ, ψ)", "equilibrium (0, 0)", "start")


def config_from_controls(values: list) -> DiracConfig:
    """The config of the controls' values (in CONTROL_NAMES order; the defaults when there are
    none); ConfigError naming the field for an empty or bad one."""
    changes = dict(zip(CONTROL_NAMES, values))
    for name, value in changes.items():
        if value is None or (isinstance(value, str) and value.strip() == ""):
            raise ConfigError(f"{name} is empty: enter a value")
    # alternating: the config checks k D steps (the simultaneous twin always takes one)
    return DiracConfig.from_dict(DiracConfig(method="alternating").to_dict() | changes)


def controls_from_config(config: DiracConfig) -> list:
    """The controls' values for `config`, in CONTROL_NAMES order."""
    return [getattr(config, name) for name in CONTROL_NAMES]


class DiracTab:
    """The LiveTab of the Dirac GAN tab (see worker.LiveTab)."""

    training_threads = 1

    def __init__(self, settings: dict | None = None) -> None:
        """A tab with no run yet (`settings`, the server's, change nothing here: a run is two
        numbers)."""
        self.run: DiracRun | None = None
        self.builds = 0
        self.field: tuple = ()
        self.extent = 2.5
        self.eigen: dict = {}

    def diverged_errors(self) -> tuple[type[Exception], ...]:
        """Nothing diverges here: a path that overflows stops where it was (and says so)."""
        return ()

    def build(self, request: dict) -> str:
        """A fresh run from the controls' values; the field and the eigenvalues of its game."""
        self.run = None
        config = config_from_controls(request.get("values") or [])
        self.run = DiracRun(config)
        self.builds += 1
        self.extent = plane_extent(config)
        self.field = field_grid(config, self.extent)
        field = eigenvalues(config)
        self.eigen = {"field": field["field"], "closed": field["closed"],
                      "updates": {name: eigenvalues(each)["update_moduli"] for name, each in self.run.configs.items()}}
        return "new run ready: press ▶ Play"

    def apply(self, request: dict) -> str:
        """Play's settings: a new number of steps applies now; other changes (a start picked on
        the plane, a regulariser) start the game again from them: a run here is two numbers."""
        config = config_from_controls(request.get("values") or [])
        run = self.run
        if config.replace(steps=run.config.steps) != run.config:
            self.build(request)
            return "new settings: started again from the start"
        if config.steps != run.config.steps:
            run.config = run.config.replace(steps=config.steps)
        return ""

    def outputs(self, slot: Slot, request: dict) -> dict:
        """The status and the readout (the figure draws itself)."""
        run = self.run
        if run is None:
            return {"playing": slot.playing, "status": slot.status(request.get("note", ""))}
        note, _ = slot.frame_note(request)
        overflowed = [name for name, flag in run.overflowed.items() if flag]
        extra = (f"{' and '.join(overflowed)} left every bound: stopped there",) if overflowed else ()
        return {"playing": slot.playing, "status": slot.status(note, extra),
                "readout": plots_dirac.readout_dirac(run.config, self._paths(), self.eigen)}

    def _paths(self) -> dict:
        return {name: self.run.path(name) for name in self.run.configs}

    def command(self, slot: Slot, name: str, request: dict) -> dict:
        """live (the figure's frame)."""
        if name == "live":
            return self._live(slot, request)
        if name == "export":
            return self._export(request)
        raise ValueError(f"the Dirac GAN tab has no command {name!r}")

    def _export(self, request: dict) -> dict:
        """For a still, the plane as shown now; for an animation, the paths growing step by step."""
        run = self.run
        if run is None:
            return {"figures": []}
        paths = self._paths()
        steps = evenly(range(1, run.iteration + 1)) if request.get("what") == "timeline" else [run.iteration]
        figures = [plots_dirac.figure_dirac(run.config, self.field, self.extent,
                                            {name: path[:step + 1] for name, path in paths.items()})
                   for step in steps or [0]]
        return {"figures": figures, "stem": f"dirac-{run.config.regulariser}-step{run.iteration}"}

    def _live(self, slot: Slot, request: dict) -> dict:
        run = self.run
        if run is None:
            return {"playing": False}
        layout_key = f"{self.builds}:{view_key(slot.playing, request, slot.projector)}"
        moving = f"{run.iteration}:{run.config.steps}"
        page_version = request.get("version")
        if page_has(page_version, layout_key, moving):
            return {"playing": slot.playing}
        figure = plots_dirac.figure_dirac(run.config, self.field, self.extent, self._paths())
        keys = ["still" if trace["name"] in STILL_TRACES else moving for trace in figure["data"]]
        return live_frame(figure, layout_key, keys, page_version, slot.playing, f"iteration {run.iteration}",
                          moving=[i for i, key in enumerate(keys) if key == moving], projector=slot.projector)


LIVE_TAB = DiracTab
