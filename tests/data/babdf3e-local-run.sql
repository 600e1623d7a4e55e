BEGIN TRANSACTION;
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO "alembic_version" VALUES('v3.2.0.a');
CREATE TABLE studies (
	study_id INTEGER NOT NULL, 
	study_name VARCHAR(512) NOT NULL, 
	PRIMARY KEY (study_id)
);
INSERT INTO "studies" VALUES(1,'run-locally-at-babdf3e/evaluation');
INSERT INTO "studies" VALUES(2,'run-locally-at-babdf3e/reference');
INSERT INTO "studies" VALUES(3,'run-locally-at-babdf3e/tuned');
INSERT INTO "studies" VALUES(4,'run-locally-at-babdf3e/uncertainty');
CREATE TABLE study_directions (
	study_direction_id INTEGER NOT NULL, 
	direction VARCHAR(8) NOT NULL, 
	study_id INTEGER NOT NULL, 
	objective INTEGER NOT NULL, 
	PRIMARY KEY (study_direction_id), 
	UNIQUE (study_id, objective), 
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
INSERT INTO "study_directions" VALUES(1,'MAXIMIZE',1,0);
INSERT INTO "study_directions" VALUES(2,'MAXIMIZE',2,0);
INSERT INTO "study_directions" VALUES(3,'MAXIMIZE',3,0);
INSERT INTO "study_directions" VALUES(4,'MAXIMIZE',4,0);
CREATE TABLE study_system_attributes (
	study_system_attribute_id INTEGER NOT NULL, 
	study_id INTEGER, 
	"key" VARCHAR(512), 
	value_json TEXT, 
	PRIMARY KEY (study_system_attribute_id), 
	UNIQUE (study_id, "key"), 
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
CREATE TABLE study_user_attributes (
	study_user_attribute_id INTEGER NOT NULL, 
	study_id INTEGER, 
	"key" VARCHAR(512), 
	value_json TEXT, 
	PRIMARY KEY (study_user_attribute_id), 
	UNIQUE (study_id, "key"), 
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
INSERT INTO "study_user_attributes" VALUES(1,1,'taskweights_spec','{"name": "run-locally-at-babdf3e", "problem": {"name": "digits", "params": {}, "trunk": {"type": "mlp", "hidden": [32], "channels": [16, 32], "dropout": 0.0}, "tasks": {}}, "strategies": [{"name": "uncertainty", "params": {}, "arm": null}], "tuned": {"trials": 3, "weight_range": [0.01, 100.0], "sampler": "tpe", "pruner": "none", "free_first": false}, "training": {"epochs": 3, "batch_size": 128, "lr": 0.003, "weight_decay": 0.0, "device": "auto"}, "score": "delta_m", "evaluation": {"seeds": 2}, "seed": 0}');
INSERT INTO "study_user_attributes" VALUES(2,1,'taskweights_spec_version','1');
INSERT INTO "study_user_attributes" VALUES(3,1,'taskweights_arm','"evaluation"');
INSERT INTO "study_user_attributes" VALUES(4,1,'taskweights_tasks','[{"name": "digit", "metric": "accuracy", "higher_is_better": true}, {"name": "group3", "metric": "accuracy", "higher_is_better": true}, {"name": "recon", "metric": "rmse", "higher_is_better": false}]');
INSERT INTO "study_user_attributes" VALUES(5,2,'taskweights_spec','{"name": "run-locally-at-babdf3e", "problem": {"name": "digits", "params": {}, "trunk": {"type": "mlp", "hidden": [32], "channels": [16, 32], "dropout": 0.0}, "tasks": {}}, "strategies": [{"name": "uncertainty", "params": {}, "arm": null}], "tuned": {"trials": 3, "weight_range": [0.01, 100.0], "sampler": "tpe", "pruner": "none", "free_first": false}, "training": {"epochs": 3, "batch_size": 128, "lr": 0.003, "weight_decay": 0.0, "device": "auto"}, "score": "delta_m", "evaluation": {"seeds": 2}, "seed": 0}');
INSERT INTO "study_user_attributes" VALUES(6,2,'taskweights_spec_version','1');
INSERT INTO "study_user_attributes" VALUES(7,2,'taskweights_arm','"reference"');
INSERT INTO "study_user_attributes" VALUES(8,3,'taskweights_spec','{"name": "run-locally-at-babdf3e", "problem": {"name": "digits", "params": {}, "trunk": {"type": "mlp", "hidden": [32], "channels": [16, 32], "dropout": 0.0}, "tasks": {}}, "strategies": [{"name": "uncertainty", "params": {}, "arm": null}], "tuned": {"trials": 3, "weight_range": [0.01, 100.0], "sampler": "tpe", "pruner": "none", "free_first": false}, "training": {"epochs": 3, "batch_size": 128, "lr": 0.003, "weight_decay": 0.0, "device": "auto"}, "score": "delta_m", "evaluation": {"seeds": 2}, "seed": 0}');
INSERT INTO "study_user_attributes" VALUES(9,3,'taskweights_spec_version','1');
INSERT INTO "study_user_attributes" VALUES(10,3,'taskweights_arm','"tuned"');
INSERT INTO "study_user_attributes" VALUES(11,4,'taskweights_spec','{"name": "run-locally-at-babdf3e", "problem": {"name": "digits", "params": {}, "trunk": {"type": "mlp", "hidden": [32], "channels": [16, 32], "dropout": 0.0}, "tasks": {}}, "strategies": [{"name": "uncertainty", "params": {}, "arm": null}], "tuned": {"trials": 3, "weight_range": [0.01, 100.0], "sampler": "tpe", "pruner": "none", "free_first": false}, "training": {"epochs": 3, "batch_size": 128, "lr": 0.003, "weight_decay": 0.0, "device": "auto"}, "score": "delta_m", "evaluation": {"seeds": 2}, "seed": 0}');
INSERT INTO "study_user_attributes" VALUES(12,4,'taskweights_spec_version','1');
INSERT INTO "study_user_attributes" VALUES(13,4,'taskweights_arm','"uncertainty"');
CREATE TABLE trial_heartbeats (
	trial_heartbeat_id INTEGER NOT NULL, 
	trial_id INTEGER NOT NULL, 
	heartbeat DATETIME NOT NULL, 
	PRIMARY KEY (trial_heartbeat_id), 
	UNIQUE (trial_id), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
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
INSERT INTO "trial_intermediate_values" VALUES(1,2,1,-36.1359315737615,'FINITE');
INSERT INTO "trial_intermediate_values" VALUES(2,2,2,-2.78263589380062512654e+01,'FINITE');
INSERT INTO "trial_intermediate_values" VALUES(3,2,3,-1.86348535053735386846e+00,'FINITE');
INSERT INTO "trial_intermediate_values" VALUES(4,3,1,-3.68281717189431603278e+01,'FINITE');
INSERT INTO "trial_intermediate_values" VALUES(5,3,2,-2.97342486199310194203e+01,'FINITE');
INSERT INTO "trial_intermediate_values" VALUES(6,3,3,-8.87104333213255,'FINITE');
INSERT INTO "trial_intermediate_values" VALUES(7,4,1,-3.62785196490842238854e+01,'FINITE');
INSERT INTO "trial_intermediate_values" VALUES(8,4,2,-1.62407646395888249912e+01,'FINITE');
INSERT INTO "trial_intermediate_values" VALUES(9,4,3,2.6494516464318218496e-01,'FINITE');
INSERT INTO "trial_intermediate_values" VALUES(10,5,1,-3.67797156812590344534e+01,'FINITE');
INSERT INTO "trial_intermediate_values" VALUES(11,5,2,-2.67791922599221692284e+01,'FINITE');
INSERT INTO "trial_intermediate_values" VALUES(12,5,3,-3.11548020060671682074e+00,'FINITE');
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
INSERT INTO "trial_params" VALUES(1,2,'w_group3',1.56766771955060768561e+00,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.01, "high": 100.0, "log": true}}');
INSERT INTO "trial_params" VALUES(2,2,'w_recon',7.25700572159428158869e+00,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.01, "high": 100.0, "log": true}}');
INSERT INTO "trial_params" VALUES(3,3,'w_group3',2.57663857461359,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.01, "high": 100.0, "log": true}}');
INSERT INTO "trial_params" VALUES(4,3,'w_recon',1.51193364676410157976e+00,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.01, "high": 100.0, "log": true}}');
INSERT INTO "trial_params" VALUES(5,4,'w_group3',4.95015955373319660459e-01,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.01, "high": 100.0, "log": true}}');
INSERT INTO "trial_params" VALUES(6,4,'w_recon',3.83333215615666489384e+00,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.01, "high": 100.0, "log": true}}');
CREATE TABLE trial_system_attributes (
	trial_system_attribute_id INTEGER NOT NULL, 
	trial_id INTEGER, 
	"key" VARCHAR(512), 
	value_json TEXT, 
	PRIMARY KEY (trial_system_attribute_id), 
	UNIQUE (trial_id, "key"), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE trial_user_attributes (
	trial_user_attribute_id INTEGER NOT NULL, 
	trial_id INTEGER, 
	"key" VARCHAR(512), 
	value_json TEXT, 
	PRIMARY KEY (trial_user_attribute_id), 
	UNIQUE (trial_id, "key"), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
INSERT INTO "trial_user_attributes" VALUES(1,1,'config','{"strategy_params": {}, "lr": 0.003}');
INSERT INTO "trial_user_attributes" VALUES(2,1,'seed','0');
INSERT INTO "trial_user_attributes" VALUES(3,1,'val_metrics','{"digit": 0.5181058645248413, "group3": 0.8077994585037231, "recon": 0.530335009098053}');
INSERT INTO "trial_user_attributes" VALUES(4,1,'weights','{"digit": 1.0, "group3": 1.0, "recon": 1.0}');
INSERT INTO "trial_user_attributes" VALUES(5,1,'sigmas','null');
INSERT INTO "trial_user_attributes" VALUES(6,1,'epochs','3');
INSERT INTO "trial_user_attributes" VALUES(7,1,'seconds','0.85');
INSERT INTO "trial_user_attributes" VALUES(8,1,'history','[{"epoch": 1, "train_loss": [2.304349899291992, 0.9869462847709656, 0.6372072100639343], "val_metric": [0.11420612782239914, 0.8077994585037231, 0.6974702477455139], "weights": [1.0, 1.0, 1.0], "sigmas": null}, {"epoch": 2, "train_loss": [2.2300546169281006, 0.6535186767578125, 0.4061143398284912], "val_metric": [0.19220055639743805, 0.8077994585037231, 0.5788803100585938], "weights": [1.0, 1.0, 1.0], "sigmas": null}, {"epoch": 3, "train_loss": [2.119786500930786, 0.5767451524734497, 0.31497877836227417], "val_metric": [0.5181058645248413, 0.8077994585037231, 0.530335009098053], "weights": [1.0, 1.0, 1.0], "sigmas": null}]');
INSERT INTO "trial_user_attributes" VALUES(9,2,'config','{"strategy_params": {"weights": [1.0, 1.5676677195506077, 7.257005721594282]}, "lr": 0.003}');
INSERT INTO "trial_user_attributes" VALUES(10,2,'seed','0');
INSERT INTO "trial_user_attributes" VALUES(11,2,'val_metrics','{"digit": 0.4846796691417694, "group3": 0.8077994585037231, "recon": 0.525767982006073}');
INSERT INTO "trial_user_attributes" VALUES(12,2,'weights','{"digit": 1.0, "group3": 1.5676677227020264, "recon": 7.25700569152832}');
INSERT INTO "trial_user_attributes" VALUES(13,2,'sigmas','null');
INSERT INTO "trial_user_attributes" VALUES(14,2,'epochs','3');
INSERT INTO "trial_user_attributes" VALUES(15,2,'seconds','0.029');
INSERT INTO "trial_user_attributes" VALUES(16,2,'history','[{"epoch": 1, "train_loss": [2.309894323348999, 1.0009692907333374, 0.6214464902877808], "val_metric": [0.09192200750112534, 0.8077994585037231, 0.6690161824226379], "weights": [1.0, 1.5676677227020264, 7.25700569152832], "sigmas": null}, {"epoch": 2, "train_loss": [2.2621002197265625, 0.6632465720176697, 0.3833823502063751], "val_metric": [0.12256267666816711, 0.8077994585037231, 0.5681743621826172], "weights": [1.0, 1.5676677227020264, 7.25700569152832], "sigmas": null}, {"epoch": 3, "train_loss": [2.1947100162506104, 0.5881810784339905, 0.2969215214252472], "val_metric": [0.4846796691417694, 0.8077994585037231, 0.525767982006073], "weights": [1.0, 1.5676677227020264, 7.25700569152832], "sigmas": null}]');
INSERT INTO "trial_user_attributes" VALUES(17,3,'config','{"strategy_params": {"weights": [1.0, 2.57663857461359, 1.5119336467641016]}, "lr": 0.003}');
INSERT INTO "trial_user_attributes" VALUES(18,3,'seed','0');
INSERT INTO "trial_user_attributes" VALUES(19,3,'val_metrics','{"digit": 0.38997215032577515, "group3": 0.8077994585037231, "recon": 0.5403156280517578}');
INSERT INTO "trial_user_attributes" VALUES(20,3,'weights','{"digit": 1.0, "group3": 2.5766384601593018, "recon": 1.51193368434906}');
INSERT INTO "trial_user_attributes" VALUES(21,3,'sigmas','null');
INSERT INTO "trial_user_attributes" VALUES(22,3,'epochs','3');
INSERT INTO "trial_user_attributes" VALUES(23,3,'seconds','0.026');
INSERT INTO "trial_user_attributes" VALUES(24,3,'history','[{"epoch": 1, "train_loss": [2.310821771621704, 0.9813365936279297, 0.6377413868904114], "val_metric": [0.11142061650753021, 0.8077994585037231, 0.699988603591919], "weights": [1.0, 2.5766384601593018, 1.51193368434906], "sigmas": null}, {"epoch": 2, "train_loss": [2.2666659355163574, 0.6474649906158447, 0.4137793183326721], "val_metric": [0.11142061650753021, 0.8077994585037231, 0.5871239304542542], "weights": [1.0, 2.5766384601593018, 1.51193368434906], "sigmas": null}, {"epoch": 3, "train_loss": [2.1987814903259277, 0.5742126107215881, 0.3230648338794708], "val_metric": [0.38997215032577515, 0.8077994585037231, 0.5403156280517578], "weights": [1.0, 2.5766384601593018, 1.51193368434906], "sigmas": null}]');
INSERT INTO "trial_user_attributes" VALUES(25,4,'config','{"strategy_params": {"weights": [1.0, 0.49501595537331966, 3.833332156156665]}, "lr": 0.003}');
INSERT INTO "trial_user_attributes" VALUES(26,4,'seed','0');
INSERT INTO "trial_user_attributes" VALUES(27,4,'val_metrics','{"digit": 0.5125347971916199, "group3": 0.8077994585037231, "recon": 0.5204171538352966}');
INSERT INTO "trial_user_attributes" VALUES(28,4,'weights','{"digit": 1.0, "group3": 0.495015949010849, "recon": 3.833332061767578}');
INSERT INTO "trial_user_attributes" VALUES(29,4,'sigmas','null');
INSERT INTO "trial_user_attributes" VALUES(30,4,'epochs','3');
INSERT INTO "trial_user_attributes" VALUES(31,4,'seconds','0.027');
INSERT INTO "trial_user_attributes" VALUES(32,4,'history','[{"epoch": 1, "train_loss": [2.3037819862365723, 1.0188595056533813, 0.6199647188186646], "val_metric": [0.08635097742080688, 0.8077994585037231, 0.6655822396278381], "weights": [1.0, 0.495015949010849, 3.833332061767578], "sigmas": null}, {"epoch": 2, "train_loss": [2.235758066177368, 0.6841246485710144, 0.37772226333618164], "val_metric": [0.2980501353740692, 0.8077994585037231, 0.5634765625], "weights": [1.0, 0.495015949010849, 3.833332061767578], "sigmas": null}, {"epoch": 3, "train_loss": [2.1309781074523926, 0.6104567646980286, 0.2923155725002289], "val_metric": [0.5125347971916199, 0.8077994585037231, 0.5204171538352966], "weights": [1.0, 0.495015949010849, 3.833332061767578], "sigmas": null}]');
INSERT INTO "trial_user_attributes" VALUES(33,5,'config','{"strategy_params": {}, "lr": 0.003}');
INSERT INTO "trial_user_attributes" VALUES(34,5,'seed','0');
INSERT INTO "trial_user_attributes" VALUES(35,5,'val_metrics','{"digit": 0.46796658635139465, "group3": 0.8077994585037231, "recon": 0.5285797119140625}');
INSERT INTO "trial_user_attributes" VALUES(36,5,'weights','{"digit": 0.485180139541626, "group3": 0.6869872212409973, "recon": 1.1580919027328491}');
INSERT INTO "trial_user_attributes" VALUES(37,5,'sigmas','{"digit": 1.4356497526168823, "group3": 1.2064954042434692, "recon": 0.6570727825164795}');
INSERT INTO "trial_user_attributes" VALUES(38,5,'epochs','3');
INSERT INTO "trial_user_attributes" VALUES(39,5,'seconds','0.03');
INSERT INTO "trial_user_attributes" VALUES(40,5,'history','[{"epoch": 1, "train_loss": [2.303680419921875, 0.9877865314483643, 0.6395822167396545], "val_metric": [0.11420612782239914, 0.8077994585037231, 0.7020689249038696], "weights": [0.7659611105918884, 0.7789292335510254, 0.6553281545639038], "sigmas": [1.1426063776016235, 1.1330549716949463, 0.873485267162323]}, {"epoch": 2, "train_loss": [2.230018377304077, 0.6556565761566162, 0.41055428981781006], "val_metric": [0.14763231575489044, 0.8077994585037231, 0.5771752595901489], "weights": [0.5985381603240967, 0.6871044039726257, 0.8694364428520203], "sigmas": [1.2925699949264526, 1.206392526626587, 0.7583436965942383]}, {"epoch": 3, "train_loss": [2.123512029647827, 0.5795184969902039, 0.3122338056564331], "val_metric": [0.46796658635139465, 0.8077994585037231, 0.5285797119140625], "weights": [0.485180139541626, 0.6869872212409973, 1.1580919027328491], "sigmas": [1.4356497526168823, 1.2064954042434692, 0.6570727825164795]}]');
INSERT INTO "trial_user_attributes" VALUES(41,6,'arm','"reference"');
INSERT INTO "trial_user_attributes" VALUES(42,6,'seed','1');
INSERT INTO "trial_user_attributes" VALUES(43,6,'config','{"strategy_params": {}, "lr": 0.003}');
INSERT INTO "trial_user_attributes" VALUES(44,6,'test_metrics','{"digit": 0.6462395787239075, "group3": 0.7660167217254639, "recon": 0.5284188389778137}');
INSERT INTO "trial_user_attributes" VALUES(45,6,'weights','{"digit": 1.0, "group3": 1.0, "recon": 1.0}');
INSERT INTO "trial_user_attributes" VALUES(46,6,'sigmas','null');
INSERT INTO "trial_user_attributes" VALUES(47,6,'seconds','0.022');
INSERT INTO "trial_user_attributes" VALUES(48,7,'arm','"reference"');
INSERT INTO "trial_user_attributes" VALUES(49,7,'seed','2');
INSERT INTO "trial_user_attributes" VALUES(50,7,'config','{"strategy_params": {}, "lr": 0.003}');
INSERT INTO "trial_user_attributes" VALUES(51,7,'test_metrics','{"digit": 0.6128133535385132, "group3": 0.7660167217254639, "recon": 0.514692485332489}');
INSERT INTO "trial_user_attributes" VALUES(52,7,'weights','{"digit": 1.0, "group3": 1.0, "recon": 1.0}');
INSERT INTO "trial_user_attributes" VALUES(53,7,'sigmas','null');
INSERT INTO "trial_user_attributes" VALUES(54,7,'seconds','0.021');
INSERT INTO "trial_user_attributes" VALUES(55,8,'arm','"tuned"');
INSERT INTO "trial_user_attributes" VALUES(56,8,'seed','1');
INSERT INTO "trial_user_attributes" VALUES(57,8,'config','{"strategy_params": {"weights": [1.0, 0.49501595537331966, 3.833332156156665]}, "lr": 0.003}');
INSERT INTO "trial_user_attributes" VALUES(58,8,'test_metrics','{"digit": 0.5292479395866394, "group3": 0.7660167217254639, "recon": 0.521600604057312}');
INSERT INTO "trial_user_attributes" VALUES(59,8,'weights','{"digit": 1.0, "group3": 0.495015949010849, "recon": 3.833332061767578}');
INSERT INTO "trial_user_attributes" VALUES(60,8,'sigmas','null');
INSERT INTO "trial_user_attributes" VALUES(61,8,'seconds','0.021');
INSERT INTO "trial_user_attributes" VALUES(62,9,'arm','"tuned"');
INSERT INTO "trial_user_attributes" VALUES(63,9,'seed','2');
INSERT INTO "trial_user_attributes" VALUES(64,9,'config','{"strategy_params": {"weights": [1.0, 0.49501595537331966, 3.833332156156665]}, "lr": 0.003}');
INSERT INTO "trial_user_attributes" VALUES(65,9,'test_metrics','{"digit": 0.5682451128959656, "group3": 0.7660167217254639, "recon": 0.512428879737854}');
INSERT INTO "trial_user_attributes" VALUES(66,9,'weights','{"digit": 1.0, "group3": 0.495015949010849, "recon": 3.833332061767578}');
INSERT INTO "trial_user_attributes" VALUES(67,9,'sigmas','null');
INSERT INTO "trial_user_attributes" VALUES(68,9,'seconds','0.021');
INSERT INTO "trial_user_attributes" VALUES(69,10,'arm','"uncertainty"');
INSERT INTO "trial_user_attributes" VALUES(70,10,'seed','1');
INSERT INTO "trial_user_attributes" VALUES(71,10,'config','{"strategy_params": {}, "lr": 0.003}');
INSERT INTO "trial_user_attributes" VALUES(72,10,'test_metrics','{"digit": 0.6100278496742249, "group3": 0.7660167217254639, "recon": 0.5265446305274963}');
INSERT INTO "trial_user_attributes" VALUES(73,10,'weights','{"digit": 0.486774742603302, "group3": 0.7273987531661987, "recon": 1.1614692211151123}');
INSERT INTO "trial_user_attributes" VALUES(74,10,'sigmas','{"digit": 1.4332963228225708, "group3": 1.1725023984909058, "recon": 0.656116783618927}');
INSERT INTO "trial_user_attributes" VALUES(75,10,'seconds','0.024');
INSERT INTO "trial_user_attributes" VALUES(76,11,'arm','"uncertainty"');
INSERT INTO "trial_user_attributes" VALUES(77,11,'seed','2');
INSERT INTO "trial_user_attributes" VALUES(78,11,'config','{"strategy_params": {}, "lr": 0.003}');
INSERT INTO "trial_user_attributes" VALUES(79,11,'test_metrics','{"digit": 0.5877437591552734, "group3": 0.7660167217254639, "recon": 0.5115079283714294}');
INSERT INTO "trial_user_attributes" VALUES(80,11,'weights','{"digit": 0.4868558645248413, "group3": 0.7487528920173645, "recon": 1.1642894744873047}');
INSERT INTO "trial_user_attributes" VALUES(81,11,'sigmas','{"digit": 1.433176875114441, "group3": 1.1556618213653564, "recon": 0.6553216576576233}');
INSERT INTO "trial_user_attributes" VALUES(82,11,'seconds','0.024');
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
INSERT INTO "trial_values" VALUES(1,1,0,0.0,'FINITE');
INSERT INTO "trial_values" VALUES(2,2,0,-1.86348535053735386846e+00,'FINITE');
INSERT INTO "trial_values" VALUES(3,3,0,-8.87104333213255,'FINITE');
INSERT INTO "trial_values" VALUES(4,4,0,2.6494516464318218496e-01,'FINITE');
INSERT INTO "trial_values" VALUES(5,5,0,-3.11548020060671682074e+00,'FINITE');
INSERT INTO "trial_values" VALUES(6,6,0,4.46321855111033338747e-01,'FINITE');
INSERT INTO "trial_values" VALUES(7,7,0,-4.46321855111033338747e-01,'FINITE');
INSERT INTO "trial_values" VALUES(8,8,0,-5.31260545691363539333e+00,'FINITE');
INSERT INTO "trial_values" VALUES(9,9,0,-2.66153349042850395633e+00,'FINITE');
INSERT INTO "trial_values" VALUES(10,10,0,-1.35130062881859558387e+00,'FINITE');
INSERT INTO "trial_values" VALUES(11,11,0,-1.57022379579699111751e+00,'FINITE');
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
INSERT INTO "trials" VALUES(1,0,2,'COMPLETE','2026-11-24 07:55:18.601094','2026-11-24 07:55:19.476370');
INSERT INTO "trials" VALUES(2,0,3,'COMPLETE','2026-11-24 07:55:19.505444','2026-11-24 07:55:19.555939');
INSERT INTO "trials" VALUES(3,1,3,'COMPLETE','2026-11-24 07:55:19.563649','2026-11-24 07:55:19.609068');
INSERT INTO "trials" VALUES(4,2,3,'COMPLETE','2026-11-24 07:55:19.617014','2026-11-24 07:55:19.663952');
INSERT INTO "trials" VALUES(5,0,4,'COMPLETE','2026-11-24 07:55:19.683807','2026-11-24 07:55:19.728162');
INSERT INTO "trials" VALUES(6,0,1,'COMPLETE','2026-11-24 07:55:19.737492','2026-11-24 07:55:19.814763');
INSERT INTO "trials" VALUES(7,1,1,'COMPLETE','2026-11-24 07:55:19.777780','2026-11-24 07:55:19.818798');
INSERT INTO "trials" VALUES(8,2,1,'COMPLETE','2026-11-24 07:55:19.831922','2026-11-24 07:55:19.866815');
INSERT INTO "trials" VALUES(9,3,1,'COMPLETE','2026-11-24 07:55:19.879109','2026-11-24 07:55:19.914140');
INSERT INTO "trials" VALUES(10,4,1,'COMPLETE','2026-11-24 07:55:19.928077','2026-11-24 07:55:19.965558');
INSERT INTO "trials" VALUES(11,5,1,'COMPLETE','2026-11-24 07:55:19.978000','2026-11-24 07:55:20.015996');
CREATE TABLE version_info (
	version_info_id INTEGER NOT NULL, 
	schema_version INTEGER, 
	library_version VARCHAR(256), 
	PRIMARY KEY (version_info_id), 
	CHECK (version_info_id=1)
);
INSERT INTO "version_info" VALUES(1,12,'5.0.0');
CREATE UNIQUE INDEX ix_studies_study_name ON studies (study_name);
CREATE INDEX ix_trials_study_id ON trials (study_id);
COMMIT;
