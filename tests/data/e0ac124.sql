-- A taskweights database as commit e0ac124 left it (SQLite, alembic revision 0002): one
-- finished study (finished-at-e0ac124) and one queued (queued-at-e0ac124), both tiny digits
-- specs; made with that commit's create_app, POST /studies and Worker, dumped by sqlite3.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE studies (
	study_id INTEGER NOT NULL, 
	study_name VARCHAR(512) NOT NULL, 
	PRIMARY KEY (study_id)
);
INSERT INTO studies VALUES(1,'finished-at-e0ac124/evaluation');
INSERT INTO studies VALUES(2,'finished-at-e0ac124/reference');
INSERT INTO studies VALUES(3,'finished-at-e0ac124/tuned');
INSERT INTO studies VALUES(4,'finished-at-e0ac124/uncertainty');
INSERT INTO studies VALUES(5,'queued-at-e0ac124/evaluation');
CREATE TABLE version_info (
	version_info_id INTEGER NOT NULL, 
	schema_version INTEGER, 
	library_version VARCHAR(256), 
	PRIMARY KEY (version_info_id), 
	CHECK (version_info_id=1)
);
INSERT INTO version_info VALUES(1,12,'5.0.0');
CREATE TABLE study_directions (
	study_direction_id INTEGER NOT NULL, 
	direction VARCHAR(8) NOT NULL, 
	study_id INTEGER NOT NULL, 
	objective INTEGER NOT NULL, 
	PRIMARY KEY (study_direction_id), 
	UNIQUE (study_id, objective), 
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
INSERT INTO study_directions VALUES(1,'MAXIMIZE',1,0);
INSERT INTO study_directions VALUES(2,'MAXIMIZE',2,0);
INSERT INTO study_directions VALUES(3,'MAXIMIZE',3,0);
INSERT INTO study_directions VALUES(4,'MAXIMIZE',4,0);
INSERT INTO study_directions VALUES(5,'MAXIMIZE',5,0);
CREATE TABLE study_user_attributes (
	study_user_attribute_id INTEGER NOT NULL, 
	study_id INTEGER, 
	"key" VARCHAR(512), 
	value_json TEXT, 
	PRIMARY KEY (study_user_attribute_id), 
	UNIQUE (study_id, "key"), 
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
INSERT INTO study_user_attributes VALUES(1,1,'taskweights_spec','{"name": "finished-at-e0ac124", "problem": {"name": "digits", "params": {}, "trunk": {"type": "mlp", "hidden": [32], "channels": [16, 32], "dropout": 0.0}, "tasks": {}}, "strategies": [{"name": "uncertainty", "params": {}, "arm": null}], "tuned": {"trials": 3, "weight_range": [0.01, 100.0], "sampler": "tpe", "pruner": "none", "free_first": false}, "training": {"epochs": 3, "batch_size": 128, "lr": 0.003, "weight_decay": 0.0, "device": "auto"}, "score": "delta_m", "evaluation": {"seeds": 2}, "seed": 0}');
INSERT INTO study_user_attributes VALUES(2,1,'taskweights_arm','"evaluation"');
INSERT INTO study_user_attributes VALUES(3,1,'taskweights_tasks','[{"name": "digit", "metric": "accuracy", "higher_is_better": true}, {"name": "group3", "metric": "accuracy", "higher_is_better": true}, {"name": "recon", "metric": "rmse", "higher_is_better": false}]');
INSERT INTO study_user_attributes VALUES(4,2,'taskweights_spec','{"name": "finished-at-e0ac124", "problem": {"name": "digits", "params": {}, "trunk": {"type": "mlp", "hidden": [32], "channels": [16, 32], "dropout": 0.0}, "tasks": {}}, "strategies": [{"name": "uncertainty", "params": {}, "arm": null}], "tuned": {"trials": 3, "weight_range": [0.01, 100.0], "sampler": "tpe", "pruner": "none", "free_first": false}, "training": {"epochs": 3, "batch_size": 128, "lr": 0.003, "weight_decay": 0.0, "device": "auto"}, "score": "delta_m", "evaluation": {"seeds": 2}, "seed": 0}');
INSERT INTO study_user_attributes VALUES(5,2,'taskweights_arm','"reference"');
INSERT INTO study_user_attributes VALUES(6,3,'taskweights_spec','{"name": "finished-at-e0ac124", "problem": {"name": "digits", "params": {}, "trunk": {"type": "mlp", "hidden": [32], "channels": [16, 32], "dropout": 0.0}, "tasks": {}}, "strategies": [{"name": "uncertainty", "params": {}, "arm": null}], "tuned": {"trials": 3, "weight_range": [0.01, 100.0], "sampler": "tpe", "pruner": "none", "free_first": false}, "training": {"epochs": 3, "batch_size": 128, "lr": 0.003, "weight_decay": 0.0, "device": "auto"}, "score": "delta_m", "evaluation": {"seeds": 2}, "seed": 0}');
INSERT INTO study_user_attributes VALUES(7,3,'taskweights_arm','"tuned"');
INSERT INTO study_user_attributes VALUES(8,4,'taskweights_spec','{"name": "finished-at-e0ac124", "problem": {"name": "digits", "params": {}, "trunk": {"type": "mlp", "hidden": [32], "channels": [16, 32], "dropout": 0.0}, "tasks": {}}, "strategies": [{"name": "uncertainty", "params": {}, "arm": null}], "tuned": {"trials": 3, "weight_range": [0.01, 100.0], "sampler": "tpe", "pruner": "none", "free_first": false}, "training": {"epochs": 3, "batch_size": 128, "lr": 0.003, "weight_decay": 0.0, "device": "auto"}, "score": "delta_m", "evaluation": {"seeds": 2}, "seed": 0}');
INSERT INTO study_user_attributes VALUES(9,4,'taskweights_arm','"uncertainty"');
INSERT INTO study_user_attributes VALUES(10,5,'taskweights_spec','{"name": "queued-at-e0ac124", "problem": {"name": "digits", "params": {}, "trunk": {"type": "mlp", "hidden": [32], "channels": [16, 32], "dropout": 0.0}, "tasks": {}}, "strategies": [{"name": "uncertainty", "params": {}, "arm": null}], "tuned": {"trials": 3, "weight_range": [0.01, 100.0], "sampler": "tpe", "pruner": "none", "free_first": false}, "training": {"epochs": 3, "batch_size": 128, "lr": 0.003, "weight_decay": 0.0, "device": "auto"}, "score": "delta_m", "evaluation": {"seeds": 2}, "seed": 0}');
INSERT INTO study_user_attributes VALUES(11,5,'taskweights_arm','"evaluation"');
INSERT INTO study_user_attributes VALUES(12,5,'taskweights_tasks','[{"name": "digit", "metric": "accuracy", "higher_is_better": true}, {"name": "group3", "metric": "accuracy", "higher_is_better": true}, {"name": "recon", "metric": "rmse", "higher_is_better": false}]');
CREATE TABLE study_system_attributes (
	study_system_attribute_id INTEGER NOT NULL, 
	study_id INTEGER, 
	"key" VARCHAR(512), 
	value_json TEXT, 
	PRIMARY KEY (study_system_attribute_id), 
	UNIQUE (study_id, "key"), 
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
CREATE TABLE trials (
	trial_id INTEGER NOT NULL, 
	number INTEGER, 
	study_id INTEGER, 
	state VARCHAR(8) NOT NULL, 
	datetime_start DATETIME, 
	datetime_complete DATETIME, 
	PRIMARY KEY (trial_id), 
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
INSERT INTO trials VALUES(1,0,2,'COMPLETE','2026-11-24 06:07:25.678682','2026-11-24 06:07:26.899246');
INSERT INTO trials VALUES(2,0,3,'COMPLETE','2026-11-24 06:07:26.943589','2026-11-24 06:07:26.990220');
INSERT INTO trials VALUES(3,1,3,'COMPLETE','2026-11-24 06:07:26.997596','2026-11-24 06:07:27.041628');
INSERT INTO trials VALUES(4,2,3,'COMPLETE','2026-11-24 06:07:27.048843','2026-11-24 06:07:27.093073');
INSERT INTO trials VALUES(5,0,4,'COMPLETE','2026-11-24 06:07:27.171229','2026-11-24 06:07:27.219591');
INSERT INTO trials VALUES(6,0,1,'COMPLETE','2026-11-24 06:07:27.246949','2026-11-24 06:07:27.325073');
INSERT INTO trials VALUES(7,1,1,'COMPLETE','2026-11-24 06:07:27.288407','2026-11-24 06:07:27.328304');
INSERT INTO trials VALUES(8,2,1,'COMPLETE','2026-11-24 06:07:27.353399','2026-11-24 06:07:27.387623');
INSERT INTO trials VALUES(9,3,1,'COMPLETE','2026-11-24 06:07:27.412282','2026-11-24 06:07:27.448272');
INSERT INTO trials VALUES(10,4,1,'COMPLETE','2026-11-24 06:07:27.473655','2026-11-24 06:07:27.513453');
INSERT INTO trials VALUES(11,5,1,'COMPLETE','2026-11-24 06:07:27.537756','2026-11-24 06:07:27.577606');
CREATE TABLE trial_user_attributes (
	trial_user_attribute_id INTEGER NOT NULL, 
	trial_id INTEGER, 
	"key" VARCHAR(512), 
	value_json TEXT, 
	PRIMARY KEY (trial_user_attribute_id), 
	UNIQUE (trial_id, "key"), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
INSERT INTO trial_user_attributes VALUES(1,1,'config','{"strategy_params": {}, "lr": 0.003}');
INSERT INTO trial_user_attributes VALUES(2,1,'seed','0');
INSERT INTO trial_user_attributes VALUES(3,1,'val_metrics','{"digit": 0.5181058645248413, "group3": 0.8077994585037231, "recon": 0.530335009098053}');
INSERT INTO trial_user_attributes VALUES(4,1,'weights','{"digit": 1.0, "group3": 1.0, "recon": 1.0}');
INSERT INTO trial_user_attributes VALUES(5,1,'sigmas','null');
INSERT INTO trial_user_attributes VALUES(6,1,'epochs','3');
INSERT INTO trial_user_attributes VALUES(7,1,'seconds','1.195');
INSERT INTO trial_user_attributes VALUES(8,1,'history','[{"epoch": 1, "train_loss": [2.304349660873413, 0.9869462847709656, 0.6372072100639343], "val_metric": [0.11420612782239914, 0.8077994585037231, 0.6974702477455139], "weights": [1.0, 1.0, 1.0], "sigmas": null}, {"epoch": 2, "train_loss": [2.2300546169281006, 0.6535186767578125, 0.4061143398284912], "val_metric": [0.19220055639743805, 0.8077994585037231, 0.5788803100585938], "weights": [1.0, 1.0, 1.0], "sigmas": null}, {"epoch": 3, "train_loss": [2.119786500930786, 0.5767450928688049, 0.31497877836227417], "val_metric": [0.5181058645248413, 0.8077994585037231, 0.530335009098053], "weights": [1.0, 1.0, 1.0], "sigmas": null}]');
INSERT INTO trial_user_attributes VALUES(9,2,'config','{"strategy_params": {"weights": [1.0, 1.5676677195506077, 7.257005721594282]}, "lr": 0.003}');
INSERT INTO trial_user_attributes VALUES(10,2,'seed','0');
INSERT INTO trial_user_attributes VALUES(11,2,'val_metrics','{"digit": 0.4846796691417694, "group3": 0.8077994585037231, "recon": 0.525767982006073}');
INSERT INTO trial_user_attributes VALUES(12,2,'weights','{"digit": 1.0, "group3": 1.5676677227020264, "recon": 7.25700569152832}');
INSERT INTO trial_user_attributes VALUES(13,2,'sigmas','null');
INSERT INTO trial_user_attributes VALUES(14,2,'epochs','3');
INSERT INTO trial_user_attributes VALUES(15,2,'seconds','0.027');
INSERT INTO trial_user_attributes VALUES(16,2,'history','[{"epoch": 1, "train_loss": [2.309894323348999, 1.0009692907333374, 0.6214464902877808], "val_metric": [0.09192200750112534, 0.8077994585037231, 0.6690161824226379], "weights": [1.0, 1.5676677227020264, 7.25700569152832], "sigmas": null}, {"epoch": 2, "train_loss": [2.2621002197265625, 0.6632465720176697, 0.38338232040405273], "val_metric": [0.12256267666816711, 0.8077994585037231, 0.5681743621826172], "weights": [1.0, 1.5676677227020264, 7.25700569152832], "sigmas": null}, {"epoch": 3, "train_loss": [2.1947097778320312, 0.5881810188293457, 0.2969215214252472], "val_metric": [0.4846796691417694, 0.8077994585037231, 0.525767982006073], "weights": [1.0, 1.5676677227020264, 7.25700569152832], "sigmas": null}]');
INSERT INTO trial_user_attributes VALUES(17,3,'config','{"strategy_params": {"weights": [1.0, 2.57663857461359, 1.5119336467641016]}, "lr": 0.003}');
INSERT INTO trial_user_attributes VALUES(18,3,'seed','0');
INSERT INTO trial_user_attributes VALUES(19,3,'val_metrics','{"digit": 0.38997215032577515, "group3": 0.8077994585037231, "recon": 0.5403156280517578}');
INSERT INTO trial_user_attributes VALUES(20,3,'weights','{"digit": 1.0, "group3": 2.5766384601593018, "recon": 1.51193368434906}');
INSERT INTO trial_user_attributes VALUES(21,3,'sigmas','null');
INSERT INTO trial_user_attributes VALUES(22,3,'epochs','3');
INSERT INTO trial_user_attributes VALUES(23,3,'seconds','0.023');
INSERT INTO trial_user_attributes VALUES(24,3,'history','[{"epoch": 1, "train_loss": [2.310821771621704, 0.9813365936279297, 0.6377413868904114], "val_metric": [0.11142061650753021, 0.8077994585037231, 0.699988603591919], "weights": [1.0, 2.5766384601593018, 1.51193368434906], "sigmas": null}, {"epoch": 2, "train_loss": [2.2666659355163574, 0.6474649310112, 0.4137793183326721], "val_metric": [0.11142061650753021, 0.8077994585037231, 0.5871239304542542], "weights": [1.0, 2.5766384601593018, 1.51193368434906], "sigmas": null}, {"epoch": 3, "train_loss": [2.1987814903259277, 0.5742126107215881, 0.3230648636817932], "val_metric": [0.38997215032577515, 0.8077994585037231, 0.5403156280517578], "weights": [1.0, 2.5766384601593018, 1.51193368434906], "sigmas": null}]');
INSERT INTO trial_user_attributes VALUES(25,4,'config','{"strategy_params": {"weights": [1.0, 0.49501595537331966, 3.833332156156665]}, "lr": 0.003}');
INSERT INTO trial_user_attributes VALUES(26,4,'seed','0');
INSERT INTO trial_user_attributes VALUES(27,4,'val_metrics','{"digit": 0.5125347971916199, "group3": 0.8077994585037231, "recon": 0.5204171538352966}');
INSERT INTO trial_user_attributes VALUES(28,4,'weights','{"digit": 1.0, "group3": 0.495015949010849, "recon": 3.833332061767578}');
INSERT INTO trial_user_attributes VALUES(29,4,'sigmas','null');
INSERT INTO trial_user_attributes VALUES(30,4,'epochs','3');
INSERT INTO trial_user_attributes VALUES(31,4,'seconds','0.024');
INSERT INTO trial_user_attributes VALUES(32,4,'history','[{"epoch": 1, "train_loss": [2.3037819862365723, 1.0188593864440918, 0.6199647188186646], "val_metric": [0.08635097742080688, 0.8077994585037231, 0.6655822396278381], "weights": [1.0, 0.495015949010849, 3.833332061767578], "sigmas": null}, {"epoch": 2, "train_loss": [2.235758066177368, 0.684124767780304, 0.37772226333618164], "val_metric": [0.2980501353740692, 0.8077994585037231, 0.5634766221046448], "weights": [1.0, 0.495015949010849, 3.833332061767578], "sigmas": null}, {"epoch": 3, "train_loss": [2.1309781074523926, 0.6104567646980286, 0.2923155426979065], "val_metric": [0.5125347971916199, 0.8077994585037231, 0.5204171538352966], "weights": [1.0, 0.495015949010849, 3.833332061767578], "sigmas": null}]');
INSERT INTO trial_user_attributes VALUES(33,5,'config','{"strategy_params": {}, "lr": 0.003}');
INSERT INTO trial_user_attributes VALUES(34,5,'seed','0');
INSERT INTO trial_user_attributes VALUES(35,5,'val_metrics','{"digit": 0.46796658635139465, "group3": 0.8077994585037231, "recon": 0.5285797119140625}');
INSERT INTO trial_user_attributes VALUES(36,5,'weights','{"digit": 0.485180139541626, "group3": 0.6869872212409973, "recon": 1.1580920219421387}');
INSERT INTO trial_user_attributes VALUES(37,5,'sigmas','{"digit": 1.4356497526168823, "group3": 1.2064954042434692, "recon": 0.6570727825164795}');
INSERT INTO trial_user_attributes VALUES(38,5,'epochs','3');
INSERT INTO trial_user_attributes VALUES(39,5,'seconds','0.03');
INSERT INTO trial_user_attributes VALUES(40,5,'history','[{"epoch": 1, "train_loss": [2.303680419921875, 0.9877865314483643, 0.6395822167396545], "val_metric": [0.11420612782239914, 0.8077994585037231, 0.7020689249038696], "weights": [0.7659611105918884, 0.7789291739463806, 0.6553282141685486], "sigmas": [1.1426063776016235, 1.1330550909042358, 0.873485267162323]}, {"epoch": 2, "train_loss": [2.2300186157226562, 0.6556565761566162, 0.41055428981781006], "val_metric": [0.14763231575489044, 0.8077994585037231, 0.5771751999855042], "weights": [0.5985381603240967, 0.687104344367981, 0.869436502456665], "sigmas": [1.2925699949264526, 1.206392526626587, 0.7583436965942383]}, {"epoch": 3, "train_loss": [2.123512029647827, 0.5795184969902039, 0.3122338056564331], "val_metric": [0.46796658635139465, 0.8077994585037231, 0.5285797119140625], "weights": [0.485180139541626, 0.6869872212409973, 1.1580920219421387], "sigmas": [1.4356497526168823, 1.2064954042434692, 0.6570727825164795]}]');
INSERT INTO trial_user_attributes VALUES(41,6,'arm','"reference"');
INSERT INTO trial_user_attributes VALUES(42,6,'seed','1');
INSERT INTO trial_user_attributes VALUES(43,6,'config','{"strategy_params": {}, "lr": 0.003}');
INSERT INTO trial_user_attributes VALUES(44,6,'test_metrics','{"digit": 0.6462395787239075, "group3": 0.7660167217254639, "recon": 0.5284188389778137}');
INSERT INTO trial_user_attributes VALUES(45,6,'weights','{"digit": 1.0, "group3": 1.0, "recon": 1.0}');
INSERT INTO trial_user_attributes VALUES(46,6,'sigmas','null');
INSERT INTO trial_user_attributes VALUES(47,6,'seconds','0.022');
INSERT INTO trial_user_attributes VALUES(48,7,'arm','"reference"');
INSERT INTO trial_user_attributes VALUES(49,7,'seed','2');
INSERT INTO trial_user_attributes VALUES(50,7,'config','{"strategy_params": {}, "lr": 0.003}');
INSERT INTO trial_user_attributes VALUES(51,7,'test_metrics','{"digit": 0.6128133535385132, "group3": 0.7660167217254639, "recon": 0.514692485332489}');
INSERT INTO trial_user_attributes VALUES(52,7,'weights','{"digit": 1.0, "group3": 1.0, "recon": 1.0}');
INSERT INTO trial_user_attributes VALUES(53,7,'sigmas','null');
INSERT INTO trial_user_attributes VALUES(54,7,'seconds','0.02');
INSERT INTO trial_user_attributes VALUES(55,8,'arm','"tuned"');
INSERT INTO trial_user_attributes VALUES(56,8,'seed','1');
INSERT INTO trial_user_attributes VALUES(57,8,'config','{"strategy_params": {"weights": [1.0, 0.49501595537331966, 3.833332156156665]}, "lr": 0.003}');
INSERT INTO trial_user_attributes VALUES(58,8,'test_metrics','{"digit": 0.5292479395866394, "group3": 0.7660167217254639, "recon": 0.521600604057312}');
INSERT INTO trial_user_attributes VALUES(59,8,'weights','{"digit": 1.0, "group3": 0.495015949010849, "recon": 3.833332061767578}');
INSERT INTO trial_user_attributes VALUES(60,8,'sigmas','null');
INSERT INTO trial_user_attributes VALUES(61,8,'seconds','0.021');
INSERT INTO trial_user_attributes VALUES(62,9,'arm','"tuned"');
INSERT INTO trial_user_attributes VALUES(63,9,'seed','2');
INSERT INTO trial_user_attributes VALUES(64,9,'config','{"strategy_params": {"weights": [1.0, 0.49501595537331966, 3.833332156156665]}, "lr": 0.003}');
INSERT INTO trial_user_attributes VALUES(65,9,'test_metrics','{"digit": 0.5682451128959656, "group3": 0.7660167217254639, "recon": 0.512428879737854}');
INSERT INTO trial_user_attributes VALUES(66,9,'weights','{"digit": 1.0, "group3": 0.495015949010849, "recon": 3.833332061767578}');
INSERT INTO trial_user_attributes VALUES(67,9,'sigmas','null');
INSERT INTO trial_user_attributes VALUES(68,9,'seconds','0.022');
INSERT INTO trial_user_attributes VALUES(69,10,'arm','"uncertainty"');
INSERT INTO trial_user_attributes VALUES(70,10,'seed','1');
INSERT INTO trial_user_attributes VALUES(71,10,'config','{"strategy_params": {}, "lr": 0.003}');
INSERT INTO trial_user_attributes VALUES(72,10,'test_metrics','{"digit": 0.6100278496742249, "group3": 0.7660167217254639, "recon": 0.5265446305274963}');
INSERT INTO trial_user_attributes VALUES(73,10,'weights','{"digit": 0.486774742603302, "group3": 0.7273987531661987, "recon": 1.1614692211151123}');
INSERT INTO trial_user_attributes VALUES(74,10,'sigmas','{"digit": 1.4332963228225708, "group3": 1.1725023984909058, "recon": 0.656116783618927}');
INSERT INTO trial_user_attributes VALUES(75,10,'seconds','0.023');
INSERT INTO trial_user_attributes VALUES(76,11,'arm','"uncertainty"');
INSERT INTO trial_user_attributes VALUES(77,11,'seed','2');
INSERT INTO trial_user_attributes VALUES(78,11,'config','{"strategy_params": {}, "lr": 0.003}');
INSERT INTO trial_user_attributes VALUES(79,11,'test_metrics','{"digit": 0.5877437591552734, "group3": 0.7660167217254639, "recon": 0.5115079283714294}');
INSERT INTO trial_user_attributes VALUES(80,11,'weights','{"digit": 0.4868558645248413, "group3": 0.7487528920173645, "recon": 1.1642894744873047}');
INSERT INTO trial_user_attributes VALUES(81,11,'sigmas','{"digit": 1.433176875114441, "group3": 1.1556618213653564, "recon": 0.6553216576576233}');
INSERT INTO trial_user_attributes VALUES(82,11,'seconds','0.022');
CREATE TABLE trial_system_attributes (
	trial_system_attribute_id INTEGER NOT NULL, 
	trial_id INTEGER, 
	"key" VARCHAR(512), 
	value_json TEXT, 
	PRIMARY KEY (trial_system_attribute_id), 
	UNIQUE (trial_id, "key"), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
INSERT INTO trial_system_attributes VALUES(1,1,'taskweights_beating','"vm:28415"');
INSERT INTO trial_system_attributes VALUES(2,2,'taskweights_beating','"vm:28415"');
INSERT INTO trial_system_attributes VALUES(3,3,'taskweights_beating','"vm:28415"');
INSERT INTO trial_system_attributes VALUES(4,4,'taskweights_beating','"vm:28415"');
INSERT INTO trial_system_attributes VALUES(5,5,'taskweights_beating','"vm:28415"');
CREATE TABLE trial_params (
	param_id INTEGER NOT NULL, 
	trial_id INTEGER, 
	param_name VARCHAR(512), 
	param_value FLOAT, 
	distribution_json TEXT, 
	PRIMARY KEY (param_id), 
	UNIQUE (trial_id, param_name), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
INSERT INTO trial_params VALUES(1,2,'w_group3',1.5676677195506076856,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.01, "high": 100.0, "log": true}}');
INSERT INTO trial_params VALUES(2,2,'w_recon',7.2570057215942815886,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.01, "high": 100.0, "log": true}}');
INSERT INTO trial_params VALUES(3,3,'w_group3',2.5766385746135900269,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.01, "high": 100.0, "log": true}}');
INSERT INTO trial_params VALUES(4,3,'w_recon',1.5119336467641015797,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.01, "high": 100.0, "log": true}}');
INSERT INTO trial_params VALUES(5,4,'w_group3',0.49501595537331966045,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.01, "high": 100.0, "log": true}}');
INSERT INTO trial_params VALUES(6,4,'w_recon',3.8333321561566648938,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.01, "high": 100.0, "log": true}}');
CREATE TABLE trial_values (
	trial_value_id INTEGER NOT NULL, 
	trial_id INTEGER NOT NULL, 
	objective INTEGER NOT NULL, 
	value FLOAT, 
	value_type VARCHAR(7) NOT NULL, 
	PRIMARY KEY (trial_value_id), 
	UNIQUE (trial_id, objective), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
INSERT INTO trial_values VALUES(1,1,0,0.0,'FINITE');
INSERT INTO trial_values VALUES(2,2,0,-1.8634853505373538684,'FINITE');
INSERT INTO trial_values VALUES(3,3,0,-8.8710433321325492528,'FINITE');
INSERT INTO trial_values VALUES(4,4,0,0.26494516464318218496,'FINITE');
INSERT INTO trial_values VALUES(5,5,0,-3.1154802006067168207,'FINITE');
INSERT INTO trial_values VALUES(6,6,0,0.44632185511103333874,'FINITE');
INSERT INTO trial_values VALUES(7,7,0,-0.44632185511103333874,'FINITE');
INSERT INTO trial_values VALUES(8,8,0,-5.3126054569136353933,'FINITE');
INSERT INTO trial_values VALUES(9,9,0,-2.6615334904285039563,'FINITE');
INSERT INTO trial_values VALUES(10,10,0,-1.3513006288185955838,'FINITE');
INSERT INTO trial_values VALUES(11,11,0,-1.5702237957969911175,'FINITE');
CREATE TABLE trial_intermediate_values (
	trial_intermediate_value_id INTEGER NOT NULL, 
	trial_id INTEGER NOT NULL, 
	step INTEGER NOT NULL, 
	intermediate_value FLOAT, 
	intermediate_value_type VARCHAR(7) NOT NULL, 
	PRIMARY KEY (trial_intermediate_value_id), 
	UNIQUE (trial_id, step), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
INSERT INTO trial_intermediate_values VALUES(1,2,1,-36.135931573761503443,'FINITE');
INSERT INTO trial_intermediate_values VALUES(2,2,2,-27.826358938006251265,'FINITE');
INSERT INTO trial_intermediate_values VALUES(3,2,3,-1.8634853505373538684,'FINITE');
INSERT INTO trial_intermediate_values VALUES(4,3,1,-36.828171718943160327,'FINITE');
INSERT INTO trial_intermediate_values VALUES(5,3,2,-29.73424861993101942,'FINITE');
INSERT INTO trial_intermediate_values VALUES(6,3,3,-8.8710433321325492528,'FINITE');
INSERT INTO trial_intermediate_values VALUES(7,4,1,-36.278519649084223885,'FINITE');
INSERT INTO trial_intermediate_values VALUES(8,4,2,-16.240768385940580031,'FINITE');
INSERT INTO trial_intermediate_values VALUES(9,4,3,0.26494516464318218496,'FINITE');
INSERT INTO trial_intermediate_values VALUES(10,5,1,-36.779715681259034453,'FINITE');
INSERT INTO trial_intermediate_values VALUES(11,5,2,-26.779188513570414188,'FINITE');
INSERT INTO trial_intermediate_values VALUES(12,5,3,-3.1154802006067168207,'FINITE');
CREATE TABLE trial_heartbeats (
	trial_heartbeat_id INTEGER NOT NULL, 
	trial_id INTEGER NOT NULL, 
	heartbeat DATETIME NOT NULL, 
	PRIMARY KEY (trial_heartbeat_id), 
	UNIQUE (trial_id), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
INSERT INTO trial_heartbeats VALUES(1,1,'2026-11-24 06:07:25');
INSERT INTO trial_heartbeats VALUES(2,2,'2026-11-24 06:07:26');
INSERT INTO trial_heartbeats VALUES(3,3,'2026-11-24 06:07:27');
INSERT INTO trial_heartbeats VALUES(4,4,'2026-11-24 06:07:27');
INSERT INTO trial_heartbeats VALUES(5,5,'2026-11-24 06:07:27');
INSERT INTO trial_heartbeats VALUES(6,6,'2026-11-24 06:07:27');
INSERT INTO trial_heartbeats VALUES(7,7,'2026-11-24 06:07:27');
INSERT INTO trial_heartbeats VALUES(8,8,'2026-11-24 06:07:27');
INSERT INTO trial_heartbeats VALUES(9,9,'2026-11-24 06:07:27');
INSERT INTO trial_heartbeats VALUES(10,10,'2026-11-24 06:07:27');
INSERT INTO trial_heartbeats VALUES(11,11,'2026-11-24 06:07:27');
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version VALUES('v3.2.0.a');
CREATE TABLE taskweights_alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT taskweights_alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO taskweights_alembic_version VALUES('0002');
CREATE TABLE taskweights_studies (
	id INTEGER NOT NULL, 
	name VARCHAR(64) NOT NULL, 
	spec JSON NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	phase VARCHAR(16) NOT NULL, 
	error TEXT, 
	idempotency_key VARCHAR(255), 
	request_hash VARCHAR(64), 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	CONSTRAINT pk_taskweights_studies PRIMARY KEY (id), 
	CONSTRAINT uq_taskweights_studies_idempotency_key UNIQUE (idempotency_key), 
	CONSTRAINT uq_taskweights_studies_name UNIQUE (name)
);
INSERT INTO taskweights_studies VALUES(1,'finished-at-e0ac124','{"name": "finished-at-e0ac124", "problem": {"name": "digits", "params": {}, "trunk": {"type": "mlp", "hidden": [32], "channels": [16, 32], "dropout": 0.0}, "tasks": {}}, "strategies": [{"name": "uncertainty", "params": {}, "arm": null}], "tuned": {"trials": 3, "weight_range": [0.01, 100.0], "sampler": "tpe", "pruner": "none", "free_first": false}, "training": {"epochs": 3, "batch_size": 128, "lr": 0.003, "weight_decay": 0.0, "device": "auto"}, "score": "delta_m", "evaluation": {"seeds": 2}, "seed": 0}','done','done',NULL,NULL,'9c9e1f5464d98fe7b0138dc4114f0527e3f9c35fbab9676e6c3789fafb750566','2026-11-24 06:07:25.598265','2026-11-24 06:07:27.582948');
INSERT INTO taskweights_studies VALUES(2,'queued-at-e0ac124','{"name": "queued-at-e0ac124", "problem": {"name": "digits", "params": {}, "trunk": {"type": "mlp", "hidden": [32], "channels": [16, 32], "dropout": 0.0}, "tasks": {}}, "strategies": [{"name": "uncertainty", "params": {}, "arm": null}], "tuned": {"trials": 3, "weight_range": [0.01, 100.0], "sampler": "tpe", "pruner": "none", "free_first": false}, "training": {"epochs": 3, "batch_size": 128, "lr": 0.003, "weight_decay": 0.0, "device": "auto"}, "score": "delta_m", "evaluation": {"seeds": 2}, "seed": 0}','queued','reference',NULL,NULL,'501e6a68ea75522083832e1194286922b833ed1326020b75211054ee3766f9d7','2026-11-24 06:07:27.614025','2026-11-24 06:07:27.614031');
CREATE TABLE taskweights_workers (
	id VARCHAR(128) NOT NULL, 
	host VARCHAR(255) NOT NULL, 
	pid INTEGER NOT NULL, 
	started_at DATETIME NOT NULL, 
	heartbeat_at DATETIME NOT NULL, 
	unit_id INTEGER, 
	CONSTRAINT pk_taskweights_workers PRIMARY KEY (id)
);
CREATE TABLE taskweights_epochs (
	id INTEGER NOT NULL, 
	study_id INTEGER NOT NULL, 
	arm VARCHAR(64) NOT NULL, 
	phase VARCHAR(16) NOT NULL, 
	trial INTEGER NOT NULL, 
	seed INTEGER NOT NULL, 
	epoch INTEGER NOT NULL, 
	train_loss JSON NOT NULL, 
	val_loss JSON NOT NULL, 
	val_metric JSON NOT NULL, 
	weights JSON NOT NULL, 
	sigmas JSON, 
	seconds DOUBLE NOT NULL, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_taskweights_epochs PRIMARY KEY (id), 
	CONSTRAINT fk_taskweights_epochs_study_id_taskweights_studies FOREIGN KEY(study_id) REFERENCES taskweights_studies (id) ON DELETE CASCADE
);
INSERT INTO taskweights_epochs VALUES(1,1,'reference','reference',0,0,1,'{"digit": 2.304349660873413, "group3": 0.9869462847709656, "recon": 0.6372072100639343}','{"digit": 2.2744174003601074, "group3": 0.7364452481269836, "recon": 0.4864647686481476}','{"digit": 0.11420612782239914, "group3": 0.8077994585037231, "recon": 0.6974702477455139}','{"digit": 1.0, "group3": 1.0, "recon": 1.0}','null',0.0090201390003130654804,'2026-11-24 06:07:26.875811');
INSERT INTO taskweights_epochs VALUES(2,1,'reference','reference',0,0,2,'{"digit": 2.2300546169281006, "group3": 0.6535186767578125, "recon": 0.4061143398284912}','{"digit": 2.1781957149505615, "group3": 0.5999078750610352, "recon": 0.3351024389266968}','{"digit": 0.19220055639743805, "group3": 0.8077994585037231, "recon": 0.5788803100585938}','{"digit": 1.0, "group3": 1.0, "recon": 1.0}','null',0.0052134279994788812473,'2026-11-24 06:07:26.883675');
INSERT INTO taskweights_epochs VALUES(3,1,'reference','reference',0,0,3,'{"digit": 2.119786500930786, "group3": 0.5767450928688049, "recon": 0.31497877836227417}','{"digit": 2.0517489910125732, "group3": 0.5396578311920166, "recon": 0.28125521540641785}','{"digit": 0.5181058645248413, "group3": 0.8077994585037231, "recon": 0.530335009098053}','{"digit": 1.0, "group3": 1.0, "recon": 1.0}','null',0.0050943799997185124084,'2026-11-24 06:07:26.889782');
INSERT INTO taskweights_epochs VALUES(4,1,'tuned','search',0,0,1,'{"digit": 2.309894323348999, "group3": 1.0009692907333374, "recon": 0.6214464902877808}','{"digit": 2.294501543045044, "group3": 0.7506800293922424, "recon": 0.4475826621055603}','{"digit": 0.09192200750112534, "group3": 0.8077994585037231, "recon": 0.6690161824226379}','{"digit": 1.0, "group3": 1.5676677227020264, "recon": 7.25700569152832}','null',0.0060510250004881527274,'2026-11-24 06:07:26.964409');
INSERT INTO taskweights_epochs VALUES(5,1,'tuned','search',0,0,2,'{"digit": 2.2621002197265625, "group3": 0.6632465720176697, "recon": 0.38338232040405273}','{"digit": 2.227621555328369, "group3": 0.6046361327171326, "recon": 0.32282209396362305}','{"digit": 0.12256267666816711, "group3": 0.8077994585037231, "recon": 0.5681743621826172}','{"digit": 1.0, "group3": 1.5676677227020264, "recon": 7.25700569152832}','null',0.0053144680005061673,'2026-11-24 06:07:26.973689');
INSERT INTO taskweights_epochs VALUES(6,1,'tuned','search',0,0,3,'{"digit": 2.1947097778320312, "group3": 0.5881810188293457, "recon": 0.2969215214252472}','{"digit": 2.156677484512329, "group3": 0.5663710832595825, "recon": 0.27643197774887085}','{"digit": 0.4846796691417694, "group3": 0.8077994585037231, "recon": 0.525767982006073}','{"digit": 1.0, "group3": 1.5676677227020264, "recon": 7.25700569152832}','null',0.0052199969995854189619,'2026-11-24 06:07:26.981236');
INSERT INTO taskweights_epochs VALUES(7,1,'tuned','search',1,0,1,'{"digit": 2.310821771621704, "group3": 0.9813365936279297, "recon": 0.6377413868904114}','{"digit": 2.2938661575317383, "group3": 0.7259472012519836, "recon": 0.48998406529426575}','{"digit": 0.11142061650753021, "group3": 0.8077994585037231, "recon": 0.699988603591919}','{"digit": 1.0, "group3": 2.5766384601593018, "recon": 1.51193368434906}','null',0.0059812119998241541907,'2026-11-24 06:07:27.018587');
INSERT INTO taskweights_epochs VALUES(8,1,'tuned','search',1,0,2,'{"digit": 2.2666659355163574, "group3": 0.6474649310112, "recon": 0.4137793183326721}','{"digit": 2.235036849975586, "group3": 0.6004995107650757, "recon": 0.34471452236175537}','{"digit": 0.11142061650753021, "group3": 0.8077994585037231, "recon": 0.5871239304542542}','{"digit": 1.0, "group3": 2.5766384601593018, "recon": 1.51193368434906}','null',0.0052361419993758318014,'2026-11-24 06:07:27.025964');
INSERT INTO taskweights_epochs VALUES(9,1,'tuned','search',1,0,3,'{"digit": 2.1987814903259277, "group3": 0.5742126107215881, "recon": 0.3230648636817932}','{"digit": 2.1601223945617676, "group3": 0.5339648127555847, "recon": 0.29194095730781555}','{"digit": 0.38997215032577515, "group3": 0.8077994585037231, "recon": 0.5403156280517578}','{"digit": 1.0, "group3": 2.5766384601593018, "recon": 1.51193368434906}','null',0.0049824139996417216025,'2026-11-24 06:07:27.032953');
INSERT INTO taskweights_epochs VALUES(10,1,'tuned','search',2,0,1,'{"digit": 2.3037819862365723, "group3": 1.0188593864440918, "recon": 0.6199647188186646}','{"digit": 2.277632236480713, "group3": 0.7809525728225708, "recon": 0.4429997503757477}','{"digit": 0.08635097742080688, "group3": 0.8077994585037231, "recon": 0.6655822396278381}','{"digit": 1.0, "group3": 0.495015949010849, "recon": 3.833332061767578}','null',0.0061402089995681308209,'2026-11-24 06:07:27.069099');
INSERT INTO taskweights_epochs VALUES(11,1,'tuned','search',2,0,2,'{"digit": 2.235758066177368, "group3": 0.684124767780304, "recon": 0.37772226333618164}','{"digit": 2.1831111907958984, "group3": 0.6194016337394714, "recon": 0.3175058662891388}','{"digit": 0.2980501353740692, "group3": 0.8077994585037231, "recon": 0.5634766221046448}','{"digit": 1.0, "group3": 0.495015949010849, "recon": 3.833332061767578}','null',0.0052300130000730860047,'2026-11-24 06:07:27.076724');
INSERT INTO taskweights_epochs VALUES(12,1,'tuned','search',2,0,3,'{"digit": 2.1309781074523926, "group3": 0.6104567646980286, "recon": 0.2923155426979065}','{"digit": 2.0676207542419434, "group3": 0.5924583077430725, "recon": 0.2708340287208557}','{"digit": 0.5125347971916199, "group3": 0.8077994585037231, "recon": 0.5204171538352966}','{"digit": 1.0, "group3": 0.495015949010849, "recon": 3.833332061767578}','null',0.0050598090001585660502,'2026-11-24 06:07:27.083893');
INSERT INTO taskweights_epochs VALUES(13,1,'uncertainty','search',0,0,1,'{"digit": 2.303680419921875, "group3": 0.9877865314483643, "recon": 0.6395822167396545}','{"digit": 2.2716054916381836, "group3": 0.7396760582923889, "recon": 0.4929007887840271}','{"digit": 0.11420612782239914, "group3": 0.8077994585037231, "recon": 0.7020689249038696}','{"digit": 0.7659611105918884, "group3": 0.7789291739463806, "recon": 0.6553282141685486}','{"digit": 1.1426063776016235, "group3": 1.1330550909042358, "recon": 0.873485267162323}',0.0070987369999784277752,'2026-11-24 06:07:27.190844');
INSERT INTO taskweights_epochs VALUES(14,1,'uncertainty','search',0,0,2,'{"digit": 2.2300186157226562, "group3": 0.6556565761566162, "recon": 0.41055428981781006}','{"digit": 2.178978681564331, "group3": 0.6010884046554565, "recon": 0.33313122391700745}','{"digit": 0.14763231575489044, "group3": 0.8077994585037231, "recon": 0.5771751999855042}','{"digit": 0.5985381603240967, "group3": 0.687104344367981, "recon": 0.869436502456665}','{"digit": 1.2925699949264526, "group3": 1.206392526626587, "recon": 0.7583436965942383}',0.0085937039993950747884,'2026-11-24 06:07:27.202470');
INSERT INTO taskweights_epochs VALUES(15,1,'uncertainty','search',0,0,3,'{"digit": 2.123512029647827, "group3": 0.5795184969902039, "recon": 0.3122338056564331}','{"digit": 2.0665695667266846, "group3": 0.544213593006134, "recon": 0.27939650416374207}','{"digit": 0.46796658635139465, "group3": 0.8077994585037231, "recon": 0.5285797119140625}','{"digit": 0.485180139541626, "group3": 0.6869872212409973, "recon": 1.1580920219421387}','{"digit": 1.4356497526168823, "group3": 1.2064954042434692, "recon": 0.6570727825164795}',0.0058550539997668238356,'2026-11-24 06:07:27.210747');
INSERT INTO taskweights_epochs VALUES(16,1,'reference','evaluation',0,1,1,'{"digit": 2.2833046913146973, "group3": 0.9457799792289734, "recon": 0.631849467754364}','{"digit": 2.247821569442749, "group3": 0.6731676459312439, "recon": 0.46221044659614563}','{"digit": 0.09192200750112534, "group3": 0.8077994585037231, "recon": 0.6798605918884277}','{"digit": 1.0, "group3": 1.0, "recon": 1.0}','null',0.0068883829999322188086,'2026-11-24 06:07:27.264665');
INSERT INTO taskweights_epochs VALUES(17,1,'reference','evaluation',0,1,2,'{"digit": 2.1908493041992188, "group3": 0.6046786904335022, "recon": 0.3839891850948334}','{"digit": 2.1325814723968506, "group3": 0.5863379240036011, "recon": 0.32638484239578247}','{"digit": 0.30083566904067993, "group3": 0.8077994585037231, "recon": 0.5713009834289551}','{"digit": 1.0, "group3": 1.0, "recon": 1.0}','null',0.0051058680001005996018,'2026-11-24 06:07:27.271422');
INSERT INTO taskweights_epochs VALUES(18,1,'reference','evaluation',0,1,3,'{"digit": 2.0604188442230225, "group3": 0.5560257434844971, "recon": 0.3087194263935089}','{"digit": 1.9806081056594849, "group3": 0.5214652419090271, "recon": 0.2744700014591217}','{"digit": 0.6239554286003113, "group3": 0.8077994585037231, "recon": 0.5238988399505615}','{"digit": 1.0, "group3": 1.0, "recon": 1.0}','null',0.0051014210002904292196,'2026-11-24 06:07:27.277539');
INSERT INTO taskweights_epochs VALUES(19,1,'reference','evaluation',1,2,1,'{"digit": 2.294387102127075, "group3": 0.8511244654655457, "recon": 0.6522802710533142}','{"digit": 2.2278523445129395, "group3": 0.6716582179069519, "recon": 0.5069436430931091}','{"digit": 0.208913654088974, "group3": 0.8077994585037231, "recon": 0.7119997143745422}','{"digit": 1.0, "group3": 1.0, "recon": 1.0}','null',0.0062631320006403257139,'2026-11-24 06:07:27.303991');
INSERT INTO taskweights_epochs VALUES(20,1,'reference','evaluation',1,2,2,'{"digit": 2.2010066509246826, "group3": 0.604454755783081, "recon": 0.417047381401062}','{"digit": 2.1064531803131104, "group3": 0.5704803466796875, "recon": 0.3372805118560791}','{"digit": 0.5543175339698792, "group3": 0.8077994585037231, "recon": 0.5807585716247559}','{"digit": 1.0, "group3": 1.0, "recon": 1.0}','null',0.0049989979997917544096,'2026-11-24 06:07:27.309963');
INSERT INTO taskweights_epochs VALUES(21,1,'reference','evaluation',1,2,3,'{"digit": 2.061236619949341, "group3": 0.533281683921814, "recon": 0.30714863538742065}','{"digit": 1.962248682975769, "group3": 0.49765124917030334, "recon": 0.268282026052475}','{"digit": 0.5933147668838501, "group3": 0.8077994585037231, "recon": 0.517959475517273}','{"digit": 1.0, "group3": 1.0, "recon": 1.0}','null',0.004827051999200193677,'2026-11-24 06:07:27.315759');
INSERT INTO taskweights_epochs VALUES(22,1,'tuned','evaluation',2,1,1,'{"digit": 2.2824389934539795, "group3": 0.9920859336853027, "recon": 0.6050899624824524}','{"digit": 2.258795976638794, "group3": 0.7279770970344543, "recon": 0.41657090187072754}','{"digit": 0.07799442857503891, "group3": 0.8077994585037231, "recon": 0.6454230546951294}','{"digit": 1.0, "group3": 0.495015949010849, "recon": 3.833332061767578}','null',0.0072150900004999130032,'2026-11-24 06:07:27.368206');
INSERT INTO taskweights_epochs VALUES(23,1,'tuned','evaluation',2,1,2,'{"digit": 2.2118780612945557, "group3": 0.6378505825996399, "recon": 0.3582378625869751}','{"digit": 2.1714577674865723, "group3": 0.6047049760818481, "recon": 0.3076721727848053}','{"digit": 0.2200557142496109, "group3": 0.8077994585037231, "recon": 0.5546820163726807}','{"digit": 1.0, "group3": 0.495015949010849, "recon": 3.833332061767578}','null',0.005052978999628976453,'2026-11-24 06:07:27.374605');
INSERT INTO taskweights_epochs VALUES(24,1,'tuned','evaluation',2,1,3,'{"digit": 2.1103227138519287, "group3": 0.5897000432014465, "recon": 0.28768232464790344}','{"digit": 2.0375401973724365, "group3": 0.5715895891189575, "recon": 0.2658862769603729}','{"digit": 0.6267409324645996, "group3": 0.8077994585037231, "recon": 0.5156416296958923}','{"digit": 1.0, "group3": 0.495015949010849, "recon": 3.833332061767578}','null',0.0051155420005670748651,'2026-11-24 06:07:27.380613');
INSERT INTO taskweights_epochs VALUES(25,1,'tuned','evaluation',3,2,1,'{"digit": 2.2956690788269043, "group3": 0.896129310131073, "recon": 0.6300675868988037}','{"digit": 2.2336924076080322, "group3": 0.7366058230400085, "recon": 0.4693405032157898}','{"digit": 0.15041783452033997, "group3": 0.8077994585037231, "recon": 0.6850842833518982}','{"digit": 1.0, "group3": 0.495015949010849, "recon": 3.833332061767578}','null',0.0066244500003449502401,'2026-11-24 06:07:27.428465');
INSERT INTO taskweights_epochs VALUES(26,1,'tuned','evaluation',3,2,2,'{"digit": 2.2267873287200928, "group3": 0.6460177302360535, "recon": 0.39334455132484436}','{"digit": 2.150677442550659, "group3": 0.5924046635627747, "recon": 0.31971147656440735}','{"digit": 0.3175487518310547, "group3": 0.8077994585037231, "recon": 0.5654303431510925}','{"digit": 1.0, "group3": 0.495015949010849, "recon": 3.833332061767578}','null',0.0051718559998334967531,'2026-11-24 06:07:27.435338');
INSERT INTO taskweights_epochs VALUES(27,1,'tuned','evaluation',3,2,3,'{"digit": 2.1196045875549316, "group3": 0.5699229836463928, "recon": 0.29118987917900085}','{"digit": 2.047024965286255, "group3": 0.5551806092262268, "recon": 0.2642824053764343}','{"digit": 0.5905292630195618, "group3": 0.8077994585037231, "recon": 0.5140840411186218}','{"digit": 1.0, "group3": 0.495015949010849, "recon": 3.833332061767578}','null',0.005035983000198029913,'2026-11-24 06:07:27.441273');
INSERT INTO taskweights_epochs VALUES(28,1,'uncertainty','evaluation',4,1,1,'{"digit": 2.2861928939819336, "group3": 0.9424771666526794, "recon": 0.6416151523590088}','{"digit": 2.2502248287200928, "group3": 0.6731550097465515, "recon": 0.48166540265083313}','{"digit": 0.09470751881599426, "group3": 0.8077994585037231, "recon": 0.6940211653709412}','{"digit": 0.7662091851234436, "group3": 0.7843682765960693, "recon": 0.6557891964912415}','{"digit": 1.1424213647842407, "group3": 1.1291197538375854, "recon": 0.8731781840324402}',0.0069020939999973052181,'2026-11-24 06:07:27.492797');
INSERT INTO taskweights_epochs VALUES(29,1,'uncertainty','evaluation',4,1,2,'{"digit": 2.1988072395324707, "group3": 0.6045118570327759, "recon": 0.3942529261112213}','{"digit": 2.1442315578460693, "group3": 0.5866384506225586, "recon": 0.32457396388053894}','{"digit": 0.27855151891708374, "group3": 0.8077994585037231, "recon": 0.5697139501571655}','{"digit": 0.5994068384170532, "group3": 0.7080358862876892, "recon": 0.8718514442443848}','{"digit": 1.2916330099105835, "group3": 1.1884266138076782, "recon": 0.7572926878929138}',0.0056822160004230681806,'2026-11-24 06:07:27.499895');
INSERT INTO taskweights_epochs VALUES(30,1,'uncertainty','evaluation',4,1,3,'{"digit": 2.074517011642456, "group3": 0.5590298175811768, "recon": 0.30637815594673157}','{"digit": 2.0049242973327637, "group3": 0.5246880650520325, "recon": 0.27232950925827026}','{"digit": 0.5654596090316772, "group3": 0.8077994585037231, "recon": 0.5218520164489746}','{"digit": 0.486774742603302, "group3": 0.7273987531661987, "recon": 1.1614692211151123}','{"digit": 1.4332963228225708, "group3": 1.1725023984909058, "recon": 0.656116783618927}',0.0055158180002763401716,'2026-11-24 06:07:27.506364');
INSERT INTO taskweights_epochs VALUES(31,1,'uncertainty','evaluation',5,2,1,'{"digit": 2.2953028678894043, "group3": 0.8484804630279541, "recon": 0.6586591005325317}','{"digit": 2.2280237674713135, "group3": 0.6680264472961426, "recon": 0.5187541842460632}','{"digit": 0.21727019548416138, "group3": 0.8077994585037231, "recon": 0.7202459573745728}','{"digit": 0.765965461730957, "group3": 0.7811594605445862, "recon": 0.654630184173584}','{"digit": 1.1426031589508057, "group3": 1.1314364671707153, "recon": 0.8739508390426636}',0.0067438680007398943416,'2026-11-24 06:07:27.556669');
INSERT INTO taskweights_epochs VALUES(32,1,'uncertainty','evaluation',5,2,2,'{"digit": 2.2005574703216553, "group3": 0.6022626161575317, "recon": 0.4242473840713501}','{"digit": 2.108614921569824, "group3": 0.5707531571388245, "recon": 0.3352530598640442}','{"digit": 0.6100278496742249, "group3": 0.8077994585037231, "recon": 0.5790104269981384}','{"digit": 0.5990233421325684, "group3": 0.706045389175415, "recon": 0.8684375286102295}','{"digit": 1.2920464277267456, "group3": 1.1901006698608398, "recon": 0.7587797045707703}',0.0056910389994300203397,'2026-11-24 06:07:27.563799');
INSERT INTO taskweights_epochs VALUES(33,1,'uncertainty','evaluation',5,2,3,'{"digit": 2.0684518814086914, "group3": 0.5330615639686584, "recon": 0.3031221330165863}','{"digit": 1.9781845808029175, "group3": 0.4993107318878174, "recon": 0.2646925151348114}','{"digit": 0.5710306167602539, "group3": 0.8077994585037231, "recon": 0.5144827365875244}','{"digit": 0.4868558645248413, "group3": 0.7487528920173645, "recon": 1.1642894744873047}','{"digit": 1.433176875114441, "group3": 1.1556618213653564, "recon": 0.6553216576576233}',0.0054813770002510864287,'2026-11-24 06:07:27.570147');
CREATE TABLE IF NOT EXISTS "taskweights_work_units" (
	id INTEGER NOT NULL, 
	study_id INTEGER NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	arm VARCHAR(64) NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	attempts INTEGER NOT NULL, 
	worker VARCHAR(128), 
	claimed_at DATETIME, 
	heartbeat_at DATETIME, 
	finished_at DATETIME, 
	error TEXT, 
	slot INTEGER DEFAULT '0' NOT NULL, 
	CONSTRAINT pk_taskweights_work_units PRIMARY KEY (id), 
	CONSTRAINT fk_taskweights_work_units_study_id_taskweights_studies FOREIGN KEY(study_id) REFERENCES taskweights_studies (id) ON DELETE CASCADE, 
	CONSTRAINT uq_taskweights_work_units_slot UNIQUE (study_id, kind, arm, slot)
);
INSERT INTO taskweights_work_units VALUES(1,1,'reference','reference','done',1,'vm-28415-9e035f','2026-11-24 06:07:25.638707','2026-11-24 06:07:25.638707','2026-11-24 06:07:26.913292',NULL,0);
INSERT INTO taskweights_work_units VALUES(2,1,'search','tuned','done',1,'vm-28415-9e035f','2026-11-24 06:07:26.921155','2026-11-24 06:07:26.921155','2026-11-24 06:07:27.100367',NULL,0);
INSERT INTO taskweights_work_units VALUES(3,1,'search','tuned','done',1,'vm-28415-9e035f','2026-11-24 06:07:27.102537','2026-11-24 06:07:27.102537','2026-11-24 06:07:27.124192',NULL,1);
INSERT INTO taskweights_work_units VALUES(4,1,'search','tuned','done',1,'vm-28415-9e035f','2026-11-24 06:07:27.126744','2026-11-24 06:07:27.126744','2026-11-24 06:07:27.148156',NULL,2);
INSERT INTO taskweights_work_units VALUES(5,1,'search','uncertainty','done',1,'vm-28415-9e035f','2026-11-24 06:07:27.150503','2026-11-24 06:07:27.150503','2026-11-24 06:07:27.227207',NULL,0);
INSERT INTO taskweights_work_units VALUES(6,1,'evaluation','reference','done',1,'vm-28415-9e035f','2026-11-24 06:07:27.233403','2026-11-24 06:07:27.233403','2026-11-24 06:07:27.332115',NULL,0);
INSERT INTO taskweights_work_units VALUES(7,1,'evaluation','tuned','done',1,'vm-28415-9e035f','2026-11-24 06:07:27.334946','2026-11-24 06:07:27.334946','2026-11-24 06:07:27.391921',NULL,0);
INSERT INTO taskweights_work_units VALUES(8,1,'evaluation','tuned','done',1,'vm-28415-9e035f','2026-11-24 06:07:27.394089','2026-11-24 06:07:27.394089','2026-11-24 06:07:27.452266',NULL,1);
INSERT INTO taskweights_work_units VALUES(9,1,'evaluation','uncertainty','done',1,'vm-28415-9e035f','2026-11-24 06:07:27.454442','2026-11-24 06:07:27.454442','2026-11-24 06:07:27.517267',NULL,0);
INSERT INTO taskweights_work_units VALUES(10,1,'evaluation','uncertainty','done',1,'vm-28415-9e035f','2026-11-24 06:07:27.519403','2026-11-24 06:07:27.519403','2026-11-24 06:07:27.581479',NULL,1);
INSERT INTO taskweights_work_units VALUES(11,2,'reference','reference','queued',0,NULL,NULL,NULL,NULL,NULL,0);
CREATE UNIQUE INDEX ix_studies_study_name ON studies (study_name);
CREATE INDEX ix_trials_study_id ON trials (study_id);
CREATE INDEX ix_taskweights_studies_status ON taskweights_studies (status);
CREATE INDEX ix_taskweights_epochs_study_id ON taskweights_epochs (study_id);
CREATE INDEX ix_taskweights_work_units_study_id ON taskweights_work_units (study_id);
CREATE INDEX ix_taskweights_work_units_state ON taskweights_work_units (state);
COMMIT;
