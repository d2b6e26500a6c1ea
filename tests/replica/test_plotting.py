"""The figures of esorma.plotting.replica (axes-level plots and whole-figure draws)."""

import numpy as np

import matplotlib

matplotlib.use("Agg")


def test_plot_functions_return_axes():
    import matplotlib.pyplot as plt

    from esorma.plotting import replica as rp
    from esorma.replica import phase_diagram

    fig, axs = plt.subplots(1, 4)
    pd = phase_diagram(n_points=8)
    assert rp.plot_phase_diagram(pd, ax=axs[0]) is axs[0]
    assert len(axs[0].lines) >= 5 and axs[0].get_legend() is not None
    assert rp.plot_retrieval_overlap(np.linspace(0, 0.15, 10), (0.0, 0.3), ax=axs[1]) is axs[1]
    assert len(axs[1].get_lines()) >= 2
    assert rp.plot_sk(np.linspace(0, 1.5, 6), ax=axs[2]) is axs[2]
    assert rp.plot_gardner(ax=axs[3]) is axs[3]
    plt.close(fig)
    ax = rp.plot_gardner()
    assert ax.get_xlabel() == "load α = P/N"
    plt.close(ax.figure)


def test_draw_functions_take_the_result_and_save(tmp_path):
    import matplotlib.pyplot as plt

    from esorma.plotting import save_figure
    from esorma.plotting.replica import draw_phase_diagram, draw_replica_study
    from esorma.replica import phase_diagram, replica_study

    fig = draw_phase_diagram(phase_diagram(n_points=8))
    assert fig.axes[0].get_xlabel() == "load α = P/N" and len(fig.axes) == 1
    assert len(fig.axes[0].child_axes) == 1  # the re-entrance inset
    png = save_figure(fig, tmp_path / "pd.png")
    assert png.read_bytes()[:4] == b"\x89PNG" and png.stat().st_size > 10_000
    fig = draw_replica_study(replica_study(n_points=5, n_overlap=5, n_sk=3, n_at=3))
    assert len(fig.axes) == 4 and fig.axes[1].get_ylabel() == "overlap m"
    assert save_figure(fig, tmp_path / "study.svg").stat().st_size > 10_000
    assert plt.get_fignums() == []  # save_figure closed them
