from models import TrainConfig, build_problem, build_strategy, train


def test_digits_trains_and_learns_something() -> None:
    problem = build_problem("digits", {}, seed=0)
    strategy = build_strategy("equal", [t.is_classification for t in problem.tasks])
    result = train(problem, strategy, TrainConfig(epochs=5, device="cpu"))
    digit_accuracy = result.final.val_metric[0]
    assert digit_accuracy > 0.5  # chance is 0.1
